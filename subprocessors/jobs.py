from datetime import datetime

from config.jobs import JobReport, job
from subprocessors.services import notices_send


# Daily at 07:15, before office hours: catches any notice a failed worker did not send at publish.
@job("subprocessor_notices", crontab={"minute": "15", "hour": "7"})
def subprocessor_notices(*, at: datetime, dry_run: bool) -> JobReport:
    """Send pending notices of new sub-processors (SUB-4), each once per address."""
    report = JobReport()
    count = notices_send(dry_run=dry_run)
    if count:
        report.add("sent", f"{count} notice e-mails", n=count)
    else:
        report.add("nothing")
    return report
