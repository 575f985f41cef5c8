"""The audit service's scheduled sweeps (run by the kit's worker with the relay and consumers).

- ``checkpoints``: sign each chain head that moved (Art. 32).
- ``integrity``: check every chain (the ``pdp_audit_integrity_*`` metrics and their alert).
- ``retention``: create the network log's partitions ahead; purge what is past its retention and
  under no hold, recording each cut (Art. 34).
- ``usage_reports``: remind grants with data calls and no usage report (Art. 34).
- ``rectification``: flag rectification orders open past their deadline (Art. 35).
"""

from collections.abc import Sequence

from audit.chain.service import verify_integrity, write_checkpoints
from audit.reports.service import remind_missing_reports
from audit.retention.purge import purge
from audit.supervision.service import flag_overdue_orders
from pdp_kit.sweeps import Sweep

sweeps: Sequence[Sweep] = (
    Sweep("checkpoints", write_checkpoints),
    Sweep("integrity", verify_integrity),
    Sweep("retention", purge),
    Sweep("usage_reports", remind_missing_reports),
    Sweep("rectification", flag_overdue_orders),
)
