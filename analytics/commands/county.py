"""`python -m analytics county`: which county the store holds, and every setting in force with its
origin (shipped default, demo value not yet confirmed, or confirmed by whom and when); `--set`
sets or confirms one of the county's own settings, as the 系统设置 page does."""

from __future__ import annotations

import argparse
import getpass
import json

from analytics import settings
from analytics.commands import options
from analytics.data import county, county_settings
from analytics.data.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("county", help="本县名称、代码、省份,以及每项设置的取值与来源(默认值、示范值或由谁确认)")
    p.add_argument("--set", nargs=2, metavar=("KEY", "VALUE"),
                   help="修改或确认一项设置(列表、按年份的数值用 JSON,例如 '{\"2024\": 17100}'),记入审计日志")
    p.add_argument("--user", default=getpass.getuser(), help="记入审计日志的操作人(默认当前系统用户)")
    options.json_output(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    if args.set:
        key, text = args.set
        try:
            county_settings.set_value(store, key, county_settings.parse(key, text), by=args.user)
        except settings.SettingsError as exc:
            print(f"错误:{exc}")
            return 1
        county_settings.apply(store)
    identity = county.read(store)
    rows = county_settings.in_force(store)
    pending = county_settings.unconfirmed(store)
    if args.json:
        print(json.dumps({
            "name": identity.name if identity else None, "code": identity.code if identity else None,
            "province": identity.province if identity else None, "source": identity.source if identity else None,
            "settings": {r.key: {"value": r.value, "origin": r.origin_text()} for r in rows},
            "unconfirmed": pending,
        }, ensure_ascii=False, indent=1))
        return 0
    if identity is None:
        print(f"数据仓库 {store.root} 中还没有记录县的身份(尚无数据,或数据写于记录县名之前)。")
    else:
        print(f"{identity.province} {identity.name}(代码 {identity.code},名称来源:{identity.source})")
    if pending:
        print(f"待确认的本县参数 {len(pending)} 项:{'、'.join(pending)}")
    for r in rows:
        print(f"  {r.key} = {json.dumps(r.value, ensure_ascii=False)}  [{r.origin_text()}]")
    return 0
