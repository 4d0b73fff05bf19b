"""Sign-up, confirmation, manage and unsubscribe over HTTP, with the outbox inspected directly."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from sqlalchemy import DateTime, bindparam, select, text
from web_support import SECRET, csrf_in, link_in

from sendwatch.core.storage.db import make_engine, upgrade
from sendwatch.core.storage.models import OutboxMessage, Subscriber, utcnow
from sendwatch.core.tokens import make_token
from sendwatch.web.security import SignupRequest, make_confirmation_token

READER = "reporter@news.example.org"


@pytest.fixture
def site(start_site, sqlite_url):  # type: ignore[no-untyped-def]
    return start_site(sqlite_url)


def sign_up(site, address: str = READER, **fields):  # type: ignore[no-untyped-def]
    data = {
        "csrf_token": site.form_token(),
        "email": address,
        "scope": "some",
        "council": ["northshire"],
        "frequency": "immediate",
    }
    data.update(fields)
    return site.client.post("/subscribe", data=data)


def subscriber(site, address: str = READER) -> Subscriber | None:  # type: ignore[no-untyped-def]
    with site.database.session() as session:
        row = session.scalars(select(Subscriber).where(Subscriber.email == address)).first()
        if row is not None:
            session.expunge(row)
        return row


def confirmations(site, address: str = READER) -> list[email.message.EmailMessage]:  # type: ignore[no-untyped-def]
    with site.database.session() as session:
        raws = session.scalars(
            select(OutboxMessage.raw)
            .where(OutboxMessage.recipient == address, OutboxMessage.kind == "confirm")
            .order_by(OutboxMessage.id)
        ).all()
    return [email.message_from_string(raw, policy=email.policy.default) for raw in raws]


def confirm(site, link: str):  # type: ignore[no-untyped-def]
    """Open the confirmation link, then press its button, as a person would."""
    page = site.client.get(link)
    assert page.status_code == 200, page.text
    return site.client.post("/confirm", data={"csrf_token": csrf_in(page.text), "token": link.split("token=", 1)[1]})


# --------------------------------------------------------------------------- sign-up


def test_sign_up_queues_a_confirmation_and_sends_nothing_else(site) -> None:
    response = sign_up(site)
    assert response.status_code == 200 and "Check your email" in response.text
    row = subscriber(site)
    assert row.confirmed_at is None and row.source == "web" and row.councils == ["northshire"]
    [message] = confirmations(site)
    assert "Northshire County Council" in message.get_body(preferencelist=("plain",)).get_content()
    assert link_in(message, "/confirm").startswith(site.url + "/confirm?token=")


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_following_the_link_confirms_the_choices_made_on_the_form(start_site, request, database) -> None:  # type: ignore[no-untyped-def]
    if database == "postgresql":
        request.applymarker(pytest.mark.postgres)
    site = start_site(request.getfixturevalue("sqlite_url" if database == "sqlite" else "postgres_url"))
    sign_up(site, status=["sv_off_track", "ems"], frequency="weekly")
    response = confirm(site, link_in(confirmations(site)[0], "/confirm"))
    assert response.status_code == 200 and "You're subscribed" in response.text
    row = subscriber(site)
    assert row.confirmed_at is not None
    assert (row.councils, row.statuses, row.frequency) == (["northshire"], ["sv_off_track", "ems"], "weekly")


def test_a_get_on_the_confirmation_link_changes_nothing(site) -> None:
    sign_up(site)
    assert site.client.get(link_in(confirmations(site)[0], "/confirm")).status_code == 200
    assert subscriber(site).confirmed_at is None


def test_ticking_every_council_on_the_form_is_choosing_every_council(site) -> None:
    from sendwatch.web.queries import council_choices

    with site.database.session() as session:
        every = [slug for slug, _ in council_choices(session)]
    sign_up(site, council=every)

    [message] = confirmations(site)
    assert "any council sendwatch watches" in message.get_body(("plain",)).get_content()
    confirm(site, link_in(message, "/confirm"))
    assert subscriber(site).councils is None  # so a council added later is watched too

    sign_up(site, address="other@news.example.org", council=every[:-1])  # all but one: those councils
    assert subscriber(site, "other@news.example.org").councils == every[:-1]


def test_same_answer_whether_or_not_the_address_is_known_and_existing_choices_untouched(site) -> None:
    sign_up(site, status=["ems"])
    confirm(site, link_in(confirmations(site)[0], "/confirm"))
    known = sign_up(site, scope="all", status=[])
    unknown = sign_up(site, address="stranger@example.net", scope="all", status=[])
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(READER, "X") == unknown.text.replace("stranger@example.net", "X")
    row = subscriber(site)
    assert row.councils == ["northshire"] and row.statuses == ["ems"]  # unchanged until confirmed again
    confirm(site, link_in(confirmations(site)[-1], "/confirm"))
    assert subscriber(site).councils is None


def test_form_errors_are_explained_and_the_form_kept(site) -> None:
    response = sign_up(site, address="not an address", council=["atlantis"])
    assert response.status_code == 400
    assert "Enter an email address" in response.text and "Choose at least one council" in response.text
    assert 'value="not an address"' in response.text
    assert subscriber(site, "not an address") is None


def test_forms_without_the_csrf_token_are_refused(site) -> None:
    site.form_token()  # the browser has the cookie, but the form below lacks the token
    for path in ("/subscribe", "/confirm", "/manage", "/unsubscribe"):
        response = site.client.post(path, data={"email": READER, "token": "x"})
        assert response.status_code == 403 and "security token" in response.text, path
    forged = site.client.post("/subscribe", data={"csrf_token": "forged", "email": READER, "scope": "all"})
    assert forged.status_code == 403
    assert subscriber(site) is None


def test_csrf_token_from_another_browser_is_refused(site, start_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    token = site.form_token()
    site.client.cookies.clear()
    site.client.get("/")  # a fresh cookie, not the one the token was made for
    response = site.client.post("/subscribe", data={"csrf_token": token, "email": READER, "scope": "all"})
    assert response.status_code == 403


def test_sign_ups_are_rate_limited_per_client(start_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    site = start_site(sqlite_url, web={"signups_per_hour": 3})
    answers = [sign_up(site, address=f"person{n}@example.org").status_code for n in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert "Too many sign-ups" in sign_up(site, address="late@example.org").text


def test_confirmation_emails_per_address_are_capped_silently(start_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    site = start_site(sqlite_url, web={"confirmations_per_day": 2})
    answers = [sign_up(site).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 200]
    assert len(confirmations(site)) == 2


# --------------------------------------------------------------------------- refused links


def test_tampered_confirmation_link_is_refused(site) -> None:
    sign_up(site)
    link = link_in(confirmations(site)[0], "/confirm")
    payload, signature = link.split("token=", 1)[1].split(".")
    tampered = site.url + "/confirm?token=" + payload[:-3] + ("xyz" if payload[-3:] != "xyz" else "abc") + "." + signature
    response = site.client.get(tampered)
    assert response.status_code == 400 and "This link is not valid" in response.text
    assert site.client.get("/confirm").status_code == 400
    assert subscriber(site).confirmed_at is None


def test_expired_confirmation_link_is_refused(site) -> None:
    sign_up(site)
    row = subscriber(site)
    old = SignupRequest(row.id, row.email, None, None, "immediate", utcnow() - dt.timedelta(hours=49))
    token = make_confirmation_token(SECRET.encode(), old)
    response = site.client.get(f"/confirm?token={token}")
    assert response.status_code == 410 and "expired" in response.text
    posted = site.client.post("/confirm", data={"csrf_token": site.form_token(), "token": token})
    assert posted.status_code == 410
    assert subscriber(site).confirmed_at is None


def test_replayed_confirmation_link_is_refused(site) -> None:
    sign_up(site)
    link = link_in(confirmations(site)[0], "/confirm")
    assert confirm(site, link).status_code == 200
    again = site.client.get(link)
    assert again.status_code == 409 and "already been used" in again.text
    replay = site.client.post("/confirm", data={"csrf_token": site.form_token(), "token": link.split("token=", 1)[1]})
    assert replay.status_code == 409


def test_an_old_confirmation_link_cannot_resubscribe_someone_who_left(site) -> None:
    sign_up(site)
    link = link_in(confirmations(site)[0], "/confirm")
    row = subscriber(site)
    unsubscribe = make_token(SECRET.encode(), row.id, row.email, "unsubscribe")
    assert site.client.post(f"/unsubscribe?token={unsubscribe}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert site.client.get(link).status_code == 409
    assert subscriber(site).unsubscribed_at is not None


# --------------------------------------------------------------------------- manage and unsubscribe


def confirmed_reader(site):  # type: ignore[no-untyped-def]
    sign_up(site)
    confirm(site, link_in(confirmations(site)[0], "/confirm"))
    return subscriber(site)


def save_choices(site, page, token: str, **choices):  # type: ignore[no-untyped-def]
    """Submit the manage page's form, as shown in ``page``, with these choices."""
    return site.client.post("/manage", data={"csrf_token": csrf_in(page.text), "token": token, **choices})


def test_manage_page_needs_a_valid_signed_link(site) -> None:
    row = confirmed_reader(site)
    token = make_token(SECRET.encode(), row.id, row.email, "manage")
    page = site.client.get(f"/manage?token={token}")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert site.client.get("/manage").status_code == 400
    assert site.client.get(f"/manage?token={token[:-4]}AAAA").status_code == 400
    unsubscribe_token = make_token(SECRET.encode(), row.id, row.email, "unsubscribe")
    assert site.client.get(f"/manage?token={unsubscribe_token}").status_code == 400  # wrong purpose


def test_manage_page_saves_new_choices(site) -> None:
    row = confirmed_reader(site)
    token = make_token(SECRET.encode(), row.id, row.email, "manage")
    page = site.client.get(f"/manage?token={token}")
    response = save_choices(
        site, page, token, scope="some", council=["eastshire", "westvale"], status=["payment_withheld"], frequency="weekly"
    )
    assert response.status_code == 200 and "Your choices are saved" in response.text
    saved = subscriber(site)
    assert (saved.councils, saved.statuses, saved.frequency) == (["eastshire", "westvale"], ["payment_withheld"], "weekly")
    assert saved.confirmed_at == row.confirmed_at


def test_manage_page_shows_the_operator_s_notify_targets_and_saving_keeps_them_and_figure_alerts(site) -> None:
    row = confirmed_reader(site)
    with site.database.session() as session:
        stored = session.get(Subscriber, row.id)
        stored.notify = ["json://127.0.0.1:9/newsroom/secret-token"]
        stored.figures_wanted = ["forecast"]
    token = make_token(SECRET.encode(), row.id, row.email, "manage")
    page = site.client.get(f"/manage?token={token}")
    assert "as notifications, to json://127.0.0.1:9/…" in page.text and "secret-token" not in page.text
    response = save_choices(site, page, token, scope="some", council=["eastshire"], frequency="immediate")
    assert response.status_code == 200 and "Your choices are saved" in response.text
    saved = subscriber(site)
    assert saved.councils == ["eastshire"]
    assert (saved.notify, saved.figures_wanted) == (["json://127.0.0.1:9/newsroom/secret-token"], ["forecast"])


def test_one_click_unsubscribe_answers_200_without_redirect(site) -> None:
    row = confirmed_reader(site)
    token = make_token(SECRET.encode(), row.id, row.email, "unsubscribe")
    response = site.client.post(
        f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"}
    )  # no cookie, no CSRF: a mail client
    assert response.status_code == 200 and "location" not in response.headers
    assert subscriber(site).unsubscribed_at is not None
    assert (
        site.client.post(f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    )  # idempotent


def merged_reader(sqlite_url: str) -> None:
    """The reader twice, as a database from before migration 0016 could hold them (the second
    row an address in other case, signed up later): opening it merges the second into the first."""
    engine = make_engine(sqlite_url)
    upgrade(engine, sqlite_url, revision="0015_one_digest_per_week")
    with engine.begin() as connection:
        for row_id, address, councils, minutes in ((1, READER, '["northshire"]', 0), (2, READER.title(), '["eastshire"]', 5)):
            connection.execute(
                text(
                    "INSERT INTO subscribers (id, email, councils, frequency, source, confirmed_at, created_at) "
                    "VALUES (:id, :email, :councils, 'immediate', 'web', :at, :at)"
                ).bindparams(bindparam("at", type_=DateTime())),
                {"id": row_id, "email": address, "councils": councils, "at": dt.datetime(2025, 3, 1, 9, minutes)},
            )
    engine.dispose()


def test_old_links_of_a_merged_subscriber_reach_the_one_kept(start_site, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    merged_reader(sqlite_url)
    site = start_site(sqlite_url)  # opening the database merged row 2 into row 1
    manage = make_token(SECRET.encode(), 2, READER.title(), "manage")  # from an email row 2 was sent

    page = site.client.get(f"/manage?token={manage}")

    assert page.status_code == 200 and f"Alerts for <strong>{READER}</strong>" in page.text
    assert save_choices(site, page, manage, scope="some", council=["westvale"], frequency="weekly").status_code == 200
    kept = subscriber(site)
    assert (kept.id, kept.councils, kept.frequency) == (1, ["westvale"], "weekly")
    unsubscribe = make_token(SECRET.encode(), 2, READER.title(), "unsubscribe")
    assert site.client.post(f"/unsubscribe?token={unsubscribe}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert subscriber(site).unsubscribed_at is not None


def test_one_click_with_a_bad_token_is_refused(site) -> None:
    row = confirmed_reader(site)
    response = site.client.post("/unsubscribe?token=forged.token", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert subscriber(site).unsubscribed_at is None and row.unsubscribed_at is None


def test_unsubscribe_link_opened_in_a_browser_asks_first(site) -> None:
    row = confirmed_reader(site)
    token = make_token(SECRET.encode(), row.id, row.email, "unsubscribe")
    page = site.client.get(f"/unsubscribe?token={token}")
    assert page.status_code == 200 and "Stop all sendwatch emails" in page.text
    assert subscriber(site).unsubscribed_at is None  # a link scanner's GET changes nothing
    done = site.client.post("/unsubscribe", data={"csrf_token": csrf_in(page.text), "token": token})
    assert done.status_code == 200 and "You're unsubscribed" in done.text
    assert subscriber(site).unsubscribed_at is not None


@pytest.mark.parametrize("address", ["desk\x00@news.example.org", "jöhn@exämple.org", '"quoted"@news.example.org'])
def test_an_address_the_relay_cannot_carry_is_refused_at_sign_up_on_any_database(start_site, database_url, address) -> None:
    site = start_site(database_url)

    response = sign_up(site, address)

    assert response.status_code == 400
    if address.startswith("jöhn"):
        assert "cannot deliver to addresses with accented or non-Latin letters" in response.text
    with site.database.session() as session:
        assert session.scalars(select(OutboxMessage)).all() == [] and session.scalars(select(Subscriber)).all() == []


def test_an_internationalised_domain_is_stored_and_mailed_idna_encoded(site) -> None:
    response = sign_up(site, "desk@exämple.org")

    assert response.status_code == 200
    assert subscriber(site, "desk@xn--exmple-cua.org") is not None
    assert confirmations(site, "desk@xn--exmple-cua.org")


def test_a_digest_number_too_large_for_any_database_is_not_found(site) -> None:
    assert site.client.get("/digests/99999999999999999999999").status_code == 404
    assert site.client.get("/digests/99999999999999999999999/email").status_code == 404


def test_the_find_box_narrows_the_councils_by_name_slug_or_alias(site) -> None:
    from sendwatch.web.queries import matches_council

    found = site.client.get("/subscribe", params={"find": "NORTH"}).text
    assert 'id="council-northshire"' in found and 'id="council-eastshire"' not in found
    assert "Showing 1 of 4 councils" in found
    assert 'id="council-eastshire"' in site.client.get("/subscribe").text
    assert matches_council("brum", "birmingham", "Birmingham City Council", ["Birmingham", "Brum"])
    assert not matches_council("leeds", "kirklees", "Kirklees Council", [])


def test_finding_a_council_keeps_everything_already_chosen_on_the_form(site) -> None:
    form = site.client.get("/subscribe").text
    assert form.count("<form") == 1 and 'formmethod="get"' in form  # the find button sends the one form

    found = site.client.get(
        "/subscribe",
        params={
            "finding": "1",
            "find": "north",
            "email": "desk@example.org",
            "scope": "some",
            "council": "eastshire",
            "status": "ems",
            "frequency": "weekly",
        },
    ).text

    assert 'id="council-northshire"' in found and 'id="council-westvale"' not in found
    assert 'id="council-eastshire" name="council" value="eastshire" checked' in found  # ticked, so still listed
    assert 'value="desk@example.org"' in found
    assert 'id="status-ems" name="status" value="ems" aria-describedby="status-hint" checked' in found
    assert 'id="frequency-weekly" name="frequency" value="weekly" checked' in found


def test_the_manage_page_finds_councils_too_and_keeps_its_link(site) -> None:
    row = confirmed_reader(site)
    token = make_token(SECRET.encode(), row.id, row.email, "manage")
    page = site.client.get(
        "/manage", params={"token": token, "finding": "1", "find": "west", "scope": "some", "council": "eastshire"}
    )

    assert page.status_code == 200
    assert 'formaction="/manage"' in page.text and f'name="token" value="{token}"' in page.text
    assert 'id="council-westvale"' in page.text and 'id="council-northshire"' not in page.text
    assert 'id="council-eastshire" name="council" value="eastshire" checked' in page.text


def test_a_council_not_watched_offers_no_sign_up_and_never_every_council(site) -> None:
    page = site.client.get("/subscribe", params={"council": "atlantis"}).text
    assert "does not watch that council" in page
    assert 'id="scope-all" name="scope" value="all" checked' not in page
    assert 'id="scope-some" name="scope" value="some" checked' in page
