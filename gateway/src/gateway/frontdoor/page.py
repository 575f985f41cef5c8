"""The front door's page: server-rendered, self-contained (no outside host: the district's network
has no internet), in Chinese for the district's staff."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from string import Template


@dataclass(frozen=True)
class ServiceLink:
    name: str
    title: str
    summary: str


#: The services behind ``/api/<name>/``, and the gateway's own API.
SERVICES = (
    ServiceLink(
        "catalog", "目录服务", "部门、职责与系统目录，数据资源目录，归集与质量，异议，工作日历"
    ),
    ServiceLink("sharing", "共享服务", "部门间的共享申请、审核期限与共享授权"),
    ServiceLink("opening", "开放服务", "公共数据开放清单与开放申请"),
    ServiceLink("registry", "授权运营", "运营主体、授权运营协议与登记"),
    ServiceLink("audit", "审计服务", "事件日志、网络日志与监督"),
    ServiceLink("gateway", "网关", "OAuth 2.0 客户端与令牌"),
)

_PAGE = Template("""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>长宁区公共数据平台</title>
<style>
  body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
         margin: 0 auto; max-width: 52rem; padding: 2rem 1.25rem; color: #1f2933;
         line-height: 1.6; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d9e2ec; }
  .lead { color: #52606d; margin-top: 0; }
  table { border-collapse: collapse; width: 100%; }
  td { padding: .4rem .5rem; border-bottom: 1px solid #eef2f7; vertical-align: top; }
  a { color: #0b5cad; }
  code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
              background: #f5f7fa; }
  pre { padding: .75rem; white-space: pre-wrap; word-break: break-all; }
  .console { display: inline-block; padding: .5rem 1rem; background: #0b5cad; color: #fff;
             text-decoration: none; border-radius: 4px; }
</style>
</head>
<body>
<h1>长宁区公共数据平台</h1>
<p class="lead">依据《长宁区公共数据管理办法》，各部门在此编制数据资源目录、归集数据、\
相互共享、向社会开放和授权运营，每一次使用都留有记录。</p>

<p><a class="console" href="/console">进入管理与监督控制台</a></p>

<h2>接口文档</h2>
<table>
$services
</table>

<h2>接入与运行状态</h2>
<ul>
  <li><a href="/.well-known/oauth-authorization-server">OAuth 2.0 授权服务器元数据</a>
      （令牌地址 <code>/oauth/token</code>，客户端凭证模式）</li>
  <li><a href="/.well-known/jwks.json">令牌签名公钥（JWKS）</a></li>
  <li><a href="/readyz">就绪状态</a>：数据库、消息代理和各服务是否可用</li>
</ul>

<h2>第一次调用</h2>
<pre>TOKEN=$$(curl -s -u &lt;客户端编号&gt;:&lt;客户端密钥&gt; -d grant_type=client_credentials \\
  $base/oauth/token | jq -r .access_token)
curl -s -H "Authorization: Bearer $$TOKEN" $base/api/catalog/departments</pre>
<p>开发环境中，<code>make demo</code> 会载入一个示范长宁区（部门、目录、数据），\
详见 README 的 “tour” 一节。</p>
</body>
</html>
""")

_ROW = Template(
    '<tr><td><a href="/api/$name/docs">$title</a></td>'
    '<td><a href="/api/$name/redoc">ReDoc</a> · '
    '<a href="/api/$name/openapi.json">OpenAPI</a></td><td>$summary</td></tr>'
)


def render(base_url: str) -> str:
    """The page, with ``base_url`` (the address the reader used) in the curl example."""
    rows = "\n".join(
        _ROW.substitute(
            name=escape(service.name),
            title=escape(service.title),
            summary=escape(service.summary),
        )
        for service in SERVICES
    )
    return _PAGE.substitute(services=rows, base=escape(base_url.rstrip("/")))
