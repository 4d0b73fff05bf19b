"""Alembic environment: runs migrations on the connection sendwatch hands over.

sendwatch always passes its own connection (see ``sendwatch.core.storage.db.upgrade``), so the
migration lock it holds covers the whole upgrade. ``alembic`` on the command line also works
with ``-x url=...`` for developers writing new revisions.
"""

from alembic import context
from sqlalchemy import create_engine

from sendwatch.core.storage.models import Base

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: run alembic with -x url=...")
    engine = create_engine(url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
