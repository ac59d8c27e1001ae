from django.conf import settings
from django.db import models
from django.utils import timezone

from signing_platform.uploads import private_storage, random_name


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "生成失败"
    EXPIRED = "expired", "已过期删除"


def export_path(instance, filename: str) -> str:
    return random_name("exports", filename)


class Export(models.Model):
    """One 导出Excel: who asked for which list with which filters, and — for one built in the background — its file,
    kept privately for its owner until `expires_at`. A small export is streamed at once and keeps no file."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("导出内容", max_length=40)
    title = models.CharField("名称", max_length=60)
    # The list's canonical query (its GET parameters): a 证件号码 filter only as its keyed hash (idh).
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    background = models.BooleanField("后台生成", default=False)
    status = models.CharField("状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    row_count = models.PositiveIntegerField("行数", default=0)
    rows_written = models.PositiveIntegerField("已生成行数", default=0)
    file = models.FileField("文件", upload_to=export_path, storage=private_storage, max_length=200, blank=True)
    error = models.CharField("失败原因", max_length=200, blank=True)
    created_at = models.DateTimeField("导出时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)

    class Meta:
        verbose_name = "导出记录"
        verbose_name_plural = "导出记录"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The cleanup job: files whose time is up.
            models.Index(fields=["expires_at"], name="export_expiring", condition=models.Q(status="done")),
            # Exports still waiting or being built (re-queued or failed by the cleanup job, found again by the user).
            models.Index(fields=["created_at"], name="export_unfinished",
                         condition=models.Q(status__in=["pending", "running"])),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    def downloadable(self, now) -> bool:
        """Its file is ready and its time is not up (the deadline counts even before the cleanup job has run)."""
        return self.status == ExportStatus.DONE and bool(self.file) and self.expires_at is not None and now < self.expires_at

    @property
    def filename(self) -> str:
        """What the download is called: the list's name and the day it was made, e.g. 签约解约-签约中-20260701.xlsx."""
        return f"{self.title}-{self._day}.xlsx"

    @property
    def ascii_filename(self) -> str:
        """The name for a client that cannot read the UTF-8 one."""
        return f"export-{self._day}.xlsx"

    @property
    def _day(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y%m%d}"
