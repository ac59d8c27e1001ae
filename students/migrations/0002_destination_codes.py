"""毕业去向代码 as data (SPEC §5): the national codes with their category and what a registration of each needs."""

from django.db import migrations, models

# code, name, category, field group, proof, credit code required
CODES = [
    ("10", "签就业协议形式就业", "employed", "unit", "签字盖章的就业协议书（三方协议）扫描件", True),
    ("11", "签劳动合同形式就业", "employed", "unit", "劳动合同", True),
    ("12", "其他录用形式就业", "employed", "unit", "录用证明", True),
    ("271", "科研助理、管理助理", "employed", "unit", "聘用合同或录用证明", True),
    ("46", "应征义务兵", "employed", "unit", "入伍通知书", False),
    ("502", "国家基层项目—三支一扶", "employed", "unit", "项目录取文件", False),
    ("503", "国家基层项目—西部计划", "employed", "unit", "项目录取文件", False),
    ("512", "地方基层项目—地方选调生", "employed", "unit", "项目录取文件", False),
    ("519", "其他地方基层项目", "employed", "unit", "项目录取文件", False),
    ("75", "自主创业", "entrepreneur", "business", "营业执照", True),
    ("76", "自由职业", "freelance", "freelance", "从业证明或本人签字的承诺书", False),
    ("801", "境内升学—研究生", "study", "study", "录取通知书或拟录取名单截图", False),
    ("802", "境内升学—第二学士学位", "study", "study", "录取通知书或拟录取名单截图", False),
    ("85", "境外留学", "study", "abroad", "录取通知书（Offer）", False),
    ("70", "待就业", "seeking", "none", "", False),
    ("71", "不就业拟升学", "not_employed", "none", "", False),
    ("72", "其他暂不就业", "not_employed", "none", "", False),
]


def seed(apps, schema_editor):
    DestinationCode = apps.get_model("students", "DestinationCode")
    for order, (code, name, category, group, proof, credit_code) in enumerate(CODES, start=1):
        DestinationCode.objects.update_or_create(
            code=code,
            defaults={"name": name, "category": category, "field_group": group, "proof_label": proof,
                      "credit_code_required": credit_code, "sort_order": order * 10},
        )


class Migration(migrations.Migration):

    dependencies = [
        ('students', '0001_graduation_destination'),
    ]

    operations = [
        migrations.CreateModel(
            name='DestinationCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=3, unique=True, verbose_name='代码')),
                ('name', models.CharField(max_length=40, verbose_name='名称')),
                ('category', models.CharField(choices=[('employed', '单位就业'), ('entrepreneur', '自主创业'), ('freelance', '自由职业'), ('study', '升学'), ('not_employed', '暂不就业'), ('seeking', '待就业')], max_length=20, verbose_name='去向类别')),
                ('field_group', models.CharField(choices=[('unit', '单位信息'), ('business', '创业信息'), ('freelance', '自由职业信息'), ('study', '升学信息'), ('abroad', '留学信息'), ('none', '无需证明材料')], max_length=12, verbose_name='登记信息')),
                ('proof_label', models.CharField(blank=True, help_text='登记时须上传的证明材料名称；无需证明材料的留空', max_length=60, verbose_name='证明材料')),
                ('credit_code_required', models.BooleanField(default=True, help_text='单位可能没有统一社会信用代码的（如部队）不勾选', verbose_name='须填统一社会信用代码')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '毕业去向代码',
                'verbose_name_plural': '毕业去向代码',
                'ordering': ['sort_order', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='destinationcode',
            constraint=models.CheckConstraint(condition=models.Q(('category__in', ['employed', 'entrepreneur', 'freelance', 'study', 'not_employed', 'seeking'])), name='destination_code_category_valid'),
        ),
        migrations.AddConstraint(
            model_name='destinationcode',
            constraint=models.CheckConstraint(condition=models.Q(('field_group__in', ['unit', 'business', 'freelance', 'study', 'abroad', 'none'])), name='destination_code_group_valid'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
