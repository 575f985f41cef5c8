from pdp_kit.errors import Conflict


class ListingExists(Conflict):
    code, title = "listing-exists", "该资源已列入开放清单"


class ListingClosed(Conflict):
    code, title = "listing-closed", "该开放清单条目已关闭"
