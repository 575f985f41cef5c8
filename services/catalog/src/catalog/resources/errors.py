from pdp_kit.errors import Conflict


class ResourceExists(Conflict):
    code, title = "resource-exists", "资源编码已存在"


class WrongResourceState(Conflict):
    """The version is not in the state the action needs (a second submit, publishing a draft)."""

    code, title = "resource-wrong-state", "资源当前状态不允许此操作"


class ResourceNotPublished(Conflict):
    code, title = "resource-not-published", "资源尚未发布"
