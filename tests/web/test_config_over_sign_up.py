"""An address the operator lists in config.yaml that someone signed up on the web and never confirmed."""

from __future__ import annotations

from sqlalchemy import select
from test_web_subscriptions import READER, confirm, confirmations, sign_up, subscriber
from web_support import COUNCILS, link_in

from alerts import sync_subscribers
from sendwatch.core.storage.models import OutboxMessage


def operator_lists(site, write_config, **entry) -> None:  # type: ignore[no-untyped-def]
    """The operator's config lists ``entry`` (beside the site's own), mirrored as at start-up."""
    _, config = write_config(
        {"database": site.config.database_url, "councils": COUNCILS, "subscribers": [entry]}, "operator.yaml"
    )
    with site.database.session() as session:
        sync_subscribers(session, config)


def test_the_config_entry_takes_an_unconfirmed_sign_up_and_its_old_link_changes_nothing(start_site, database_url, write_config):
    site = start_site(database_url)
    sign_up(site, council=["eastshire"], status=["ems"], frequency="immediate")  # by whoever typed the address
    link = link_in(confirmations(site)[0], "/confirm")

    operator_lists(site, write_config, email=READER.upper(), councils=["northshire"], frequency="weekly")

    row = subscriber(site)
    assert (row.source, row.councils, row.statuses, row.frequency) == ("config", ["northshire"], None, "weekly")
    assert row.confirmed_at is not None and row.unsubscribed_at is None  # it receives the digest from now
    with site.database.session() as session:
        [waiting] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "confirm")).all()
        assert waiting.state == "suppressed" and "config" in waiting.last_error  # the link is never mailed
    refused = site.client.get(link)
    assert refused.status_code == 409 and "already been used" in refused.text
    assert subscriber(site).councils == ["northshire"]  # the form's choices never apply


def test_a_sign_up_its_owner_confirmed_keeps_its_choices_beside_the_config(start_site, sqlite_url, write_config):
    site = start_site(sqlite_url)
    sign_up(site, council=["eastshire"])
    confirm(site, link_in(confirmations(site)[0], "/confirm"))

    operator_lists(site, write_config, email=READER, councils=["northshire"], frequency="weekly")

    row = subscriber(site)
    assert (row.source, row.councils, row.frequency) == ("web", ["eastshire"], "immediate")


def test_an_unconfirmed_sign_up_that_was_unsubscribed_stays_stopped_under_the_config(start_site, sqlite_url, write_config):
    site = start_site(sqlite_url)
    sign_up(site)
    with site.database.session() as session:  # the unsubscribe link in the confirmation email, followed
        from alerts import unsubscribe

        unsubscribe(session, READER)

    operator_lists(site, write_config, email=READER, councils=["northshire"])

    row = subscriber(site)
    assert row.source == "config" and row.unsubscribed_at is not None
