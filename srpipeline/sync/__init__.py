"""One stream's sync: windows, checkpoints, resume; joins the shop client and the CRM store.

No Dagster in here: Dagster (srpipeline.defs) and the CLI only say which stream, which range of
change days and which trigger. See design.md, "Windows without gaps" and "Partitions".
"""

from srpipeline.crm.state import PARTITIONED_STREAMS
from srpipeline.sync.context import SyncBusyError, SyncContext
from srpipeline.sync.customer_stream import sync_customers
from srpipeline.sync.everything import sync_everything
from srpipeline.sync.order_stream import sync_orders
from srpipeline.sync.report import Progress, StreamResult
from srpipeline.sync.whole_streams import sync_coupons, sync_order_statuses, sync_segments
from srpipeline.sync.windowed_stream import first_incomplete_day

__all__ = [
    "PARTITIONED_STREAMS",
    "Progress",
    "StreamResult",
    "SyncBusyError",
    "SyncContext",
    "first_incomplete_day",
    "sync_coupons",
    "sync_customers",
    "sync_everything",
    "sync_order_statuses",
    "sync_orders",
    "sync_segments",
]
