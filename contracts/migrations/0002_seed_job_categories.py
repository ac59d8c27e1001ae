from django.db import migrations

# 拟录用职位类别 (SPEC §8).
JOB_CATEGORIES = [
    "公务员", "科学研究人员", "工程技术人员", "农林牧渔业技术人员", "卫生专业技术人员", "经济业务人员", "金融业务人员",
    "法律专业人员", "教学人员", "文学艺术工作人员", "体育工作人员", "新闻出版和文化工作人员", "宗教职业者", "其他专业技术人员",
    "办事人员和有关人员", "商业和服务业人员", "生产和运输设备操作人员", "军人", "其他人员",
]


def seed(apps, schema_editor):
    JobCategory = apps.get_model("contracts", "JobCategory")
    for order, name in enumerate(JOB_CATEGORIES, start=1):
        JobCategory.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_contracts_events_favorites")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
