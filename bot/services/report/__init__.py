"""The monthly report (民情月报): charts, the Excel workbook, 三维四色 and inspection scores."""

from bot.services.report.service import Report, ReportService, Scope

__all__ = ["Report", "ReportService", "Scope"]
