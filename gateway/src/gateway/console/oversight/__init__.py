"""平台运行状况, 审计查询 and 部门考核: the console's ops and supervision pages (issue #13)."""
