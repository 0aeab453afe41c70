from . import support_request_cancel
from . import support_request_schedule
