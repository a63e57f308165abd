"""The programs, in evaluation order (a program comes after those it depends on)."""

from huimin.rules.program import Program
from huimin.rules.programs import (
    children,
    dibao,
    disability,
    disaster,
    old_age,
    special_care,
    tekun,
    temporary,
)

PROGRAMS: dict[str, Program] = {
    program.name: program
    for program in (
        dibao.PROGRAM,
        tekun.PROGRAM,
        temporary.PROGRAM,
        disability.LIVING,
        disability.CARE,
        children.ORPHAN,
        children.UNSUPPORTED,
        old_age.PROGRAM,
        special_care.PROGRAM,
        disaster.PROGRAM,
    )
}
