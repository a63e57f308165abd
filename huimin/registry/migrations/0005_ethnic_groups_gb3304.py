"""Ethnic groups are stored as GB/T 3304 codes.

Until now the field was free text: the synthetic generator wrote English names ("Bai"), the import
and the forms whatever was typed ("白族", "白"). Every value that names a group by its code, its
Chinese name (with or without 族) or its English name becomes the code; anything else is left as it
was, for a caseworker to correct on the member's page. The reverse writes the Chinese name.
"""

from django.db import migrations, models

from huimin.registry.ethnic_groups import CHINESE_NAMES, ethnic_group_code


def to_codes(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    stored = Person.objects.exclude(ethnicity="").values_list("ethnicity", flat=True).distinct()
    for value in list(stored):
        code = ethnic_group_code(value)
        if code and code != value:
            Person.objects.filter(ethnicity=value).update(ethnicity=code)


def to_names(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    for code, name in CHINESE_NAMES.items():
        Person.objects.filter(ethnicity=code).update(ethnicity=name)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_income_exclusion_by_caseworker"),
    ]

    operations = [
        migrations.RunPython(to_codes, to_names),
        migrations.AlterField(
            model_name="person",
            name="ethnicity",
            field=models.CharField(
                blank=True,
                choices=[
                    ("01", "Han"),
                    ("02", "Mongol"),
                    ("03", "Hui"),
                    ("04", "Zang"),
                    ("05", "Uygur"),
                    ("06", "Miao"),
                    ("07", "Yi"),
                    ("08", "Zhuang"),
                    ("09", "Buyei"),
                    ("10", "Chosen"),
                    ("11", "Man"),
                    ("12", "Dong"),
                    ("13", "Yao"),
                    ("14", "Bai"),
                    ("15", "Tujia"),
                    ("16", "Hani"),
                    ("17", "Kazak"),
                    ("18", "Dai"),
                    ("19", "Li"),
                    ("20", "Lisu"),
                    ("21", "Va"),
                    ("22", "She"),
                    ("23", "Gaoshan"),
                    ("24", "Lahu"),
                    ("25", "Sui"),
                    ("26", "Dongxiang"),
                    ("27", "Naxi"),
                    ("28", "Jingpo"),
                    ("29", "Kirgiz"),
                    ("30", "Tu"),
                    ("31", "Daur"),
                    ("32", "Mulao"),
                    ("33", "Qiang"),
                    ("34", "Blang"),
                    ("35", "Salar"),
                    ("36", "Maonan"),
                    ("37", "Gelao"),
                    ("38", "Xibe"),
                    ("39", "Achang"),
                    ("40", "Pumi"),
                    ("41", "Tajik"),
                    ("42", "Nu"),
                    ("43", "Uzbek"),
                    ("44", "Russ"),
                    ("45", "Ewenki"),
                    ("46", "Deang"),
                    ("47", "Bonan"),
                    ("48", "Yugur"),
                    ("49", "Gin"),
                    ("50", "Tatar"),
                    ("51", "Derung"),
                    ("52", "Oroqen"),
                    ("53", "Hezhen"),
                    ("54", "Monba"),
                    ("55", "Lhoba"),
                    ("56", "Jino"),
                    ("97", "Other unidentified ethnic group"),
                    ("98", "Chinese citizen of foreign origin"),
                ],
                max_length=20,
                verbose_name="ethnic group",
            ),
        ),
    ]
