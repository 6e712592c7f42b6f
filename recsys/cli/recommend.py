"""``python -m recsys recommend``: top-K for one user, or for every user streamed to a file, from a saved run."""

from __future__ import annotations

from recsys.errors import RecLensError
from recsys.output.paths import arg_type, table_format
from recsys.output.terminal import echo

__all__ = ["add_recommend_parser"]


def add_recommend_parser(sub) -> None:
    p = sub.add_parser("recommend", help="top-K for one user from a saved run")
    p.add_argument("--run", required=True, help="run directory")
    p.add_argument("--user", help="raw user id")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--all-users", action="store_true", help="top-K for every user, streamed in chunks to --out")
    p.add_argument("--out", type=arg_type(table_format),
                   help="write the recommendations here, in the format of the name: .parquet/.pq, .csv "
                        "(safe to open in a spreadsheet) or .json; columns user_id, rank, item_id, score "
                        "(required with --all-users)")
    p.add_argument("--chunk", type=int, default=1024, help="users scored per step with --all-users")
    p.set_defaults(func=_cmd_recommend)


def _cmd_recommend(args) -> int:
    from recsys.recommend import Recommender
    from recsys.train import load_run

    if args.all_users and not args.out:  # before loading anything
        raise RecLensError("--all-users writes a file: give it with --out recs.parquet (or recs.csv, recs.json).")
    if not args.all_users and args.user is None:
        raise RecLensError("Give a user with --user USER_ID, or --all-users --out recs.parquet for every user.")
    run = load_run(args.run)
    if args.all_users:
        from recsys.recommend import recommend_all_users

        info = recommend_all_users(Recommender.from_run(run), run.dataset, args.out, k=args.k, chunk=args.chunk)
        echo(f"wrote {info['rows']:,} rows for {info['users']:,} users to {info['path']} "
             f"({info['seconds']:.1f} s, {info['users_per_second']:,.0f} users/s)")
        return 0
    recs = Recommender.from_run(run).recommend(run.dataset, args.user, k=args.k)
    echo(recs.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    if args.out:
        from recsys.output.files import write_table

        frame = recs.assign(user_id=str(args.user))[["user_id", *recs.columns]]
        echo(f"wrote {write_table(frame, args.out)}")
    return 0
