from pdp_kit.errors import Conflict

STATUS_NAMES = {
    "submitted": "已受理",
    "materials_requested": "待补正材料",
    "approved": "已同意",
    "rejected": "已拒绝",
}


class WrongRequestState(Conflict):
    code, title = "request-state", "申请当前状态不允许此操作"

    def __init__(self, status: str, action: str) -> None:
        super().__init__(f"申请状态为 {status}（{STATUS_NAMES.get(status, status)}），不能{action}")
        self.status_name = status


class MaterialsNoticeAlreadySent(Conflict):
    code, title = "materials-notice-sent", "补正材料只能一次性告知"


class ExtensionAlreadyRequested(Conflict):
    code, title = "extension-exists", "答复期限只能延长一次"


class NoExtensionToApprove(Conflict):
    code, title = "no-extension-requested", "没有待批准的延期申请"


class ResourceNoLongerShared(Conflict):
    code, title = "resource-changed", "资源已下线或字段已不存在"
