from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.money import format_yuan
from huimin.programs.parameters import live_parameters
from huimin.simulation.budget import BudgetError, solve_budget
from huimin.simulation.export import write_files
from huimin.simulation.metrics import suppress_small_cells
from huimin.simulation.run import simulate
from huimin.simulation.scenario import ScenarioInvalid, load_scenario
from huimin.simulation.sources import SourceError, load_source


class Command(BaseCommand):
    help = "Run a policy scenario (YAML): baseline against reform, figures printed and written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenario", type=Path, help="the scenario file (YAML)")
        parser.add_argument(
            "--out", type=Path, help="file stem for .xlsx and .csv (default: beside the scenario)"
        )
        parser.add_argument(
            "--publish", action="store_true", help="suppress small cells (min_cell) in every table"
        )
        parser.add_argument(
            "--dask", default="", help="a Dask scheduler, tcp://host:port: partition by region"
        )
        parser.add_argument(
            "--budget-yuan", type=int, help="yearly budget: find the parameter value that spends it"
        )
        parser.add_argument("--budget-program", default="dibao")
        parser.add_argument("--budget-region", default="")
        parser.add_argument("--budget-parameter", default="dibao.standard")

    def handle(self, *args: object, **options: Any) -> None:
        path: Path = options["scenario"]
        try:
            scenario = load_scenario(path.read_text(encoding="utf-8"), live_parameters())
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except ScenarioInvalid as error:
            raise CommandError(f"{path}: " + error.text()) from None
        if scenario.population.source == "registry":
            raise CommandError(
                "a registry population runs from the page; here use `huimin snapshot` first"
            )
        try:
            source = load_source(scenario.population)
        except SourceError as error:
            raise CommandError(str(error)) from None
        if options["budget_yuan"] is not None:
            self._budget(scenario, source, options)
            return
        dask = options["dask"] or _dask_setting()
        if dask:
            from huimin.simulation.partitioned import simulate_partitioned

            result = simulate_partitioned(
                scenario, source, scheduler=dask, baseline=live_parameters()
            )
        else:
            result = simulate(scenario, source, baseline=live_parameters())
        figures = result.figures
        if options["publish"]:
            figures = suppress_small_cells(figures, min_cell=scenario.metrics.min_cell)
        self._print(figures)
        stem = options["out"] or path.with_suffix("")
        xlsx, text = write_files(figures, stem)
        self.stdout.write(f"written: {xlsx}  {text}")
        self.stdout.write(
            f"rules {result.rules_seconds:.2f} s, metrics {result.metrics_seconds:.2f} s"
        )

    def _budget(self, scenario, source, options: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
        try:
            answer = solve_budget(
                scenario=scenario,
                source=source,
                program=options["budget_program"],
                region=options["budget_region"] or scenario.population.region,
                parameter=options["budget_parameter"],
                budget_fen=options["budget_yuan"] * 100,
                baseline=live_parameters(),
            )
        except BudgetError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"factor {answer.factor:.6f} spends {format_yuan(answer.yearly_cost_fen)} yuan a year "
            f"(budget {format_yuan(answer.budget_fen)}), {answer.steps} evaluations"
        )
        for name, value in answer.values.items():
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(f"as a reform: {answer.change.as_dict()}")

    def _print(self, figures: dict[str, Any]) -> None:
        cost = figures["cost"]
        write = self.stdout.write
        write(f"months: {', '.join(figures['months'])}   households: {figures['households']}")
        write(f"{'cost (yuan)':<28} {'baseline':>18} {'reform':>18} {'change':>16}")
        for label, row in (("per month", cost["monthly"]), ("per year", cost["yearly"])):
            write(_money_line(label, row))
        for row in cost["by_program"]:
            write(_money_line(f"  {row['program']}", row))
        write("by county")
        for row in cost["by_region"]:
            write(_money_line(f"  {row['region']}", row))
        write("by household type")
        for row in cost["by_household_type"]:
            write(_money_line(f"  {row['household_type']}", row))
        write("recipients: program, baseline, reform, gained, lost")
        for row in figures["recipients"]:
            write(
                f"  {row['program']:<20} {row['baseline']:>12} {row['reform']:>12} {row['gained']:>10} {row['lost']:>10}"
            )
        poverty = figures["poverty"]
        write(
            f"poverty against {format_yuan(poverty['line_fen'])} yuan per person per month: FGT0 FGT1 FGT2"
        )
        for label in ("pre_transfer", "baseline", "reform"):
            p = poverty[label]
            write(f"  {label:<14} {p['fgt0']:.4f} {p['fgt1']:.4f} {p['fgt2']:.4f}")
        gini = figures["inequality"]["gini"]
        write(
            "gini: " + ", ".join(f"{k} {v if v is None else round(v, 4)}" for k, v in gini.items())
        )
        write("winners / losers by decile")
        for row in figures["winners_losers"]["by_decile"]:
            write(
                f"  {row['decile']:>2} winners {row['winners']} losers {row['losers']} mean change {row['mean_change_fen']} fen"
            )
        for label, row in figures["targeting"].items():
            if isinstance(row, dict):
                write(f"targeting {label}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
        if "intervals" in figures:
            write(
                "95% intervals: " + ", ".join(f"{k} {v}" for k, v in figures["intervals"].items())
            )


def _money_line(label: str, row: dict[str, Any]) -> str:
    def yuan(fen: object) -> str:
        return "-" if fen is None else format_yuan(int(fen))  # type: ignore[call-overload]

    return f"{label:<28} {yuan(row['baseline_fen']):>18} {yuan(row['reform_fen']):>18} {yuan(row['change_fen']):>16}"


def _dask_setting() -> str:
    from django.conf import settings

    return str(settings.HUIMIN_SIMULATION_DASK or "")
