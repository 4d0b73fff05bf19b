"""One module per command; ``COMMANDS`` is what ``sendwatch.cli`` registers, in help order."""

from sendwatch.commands.check_config import check_config
from sendwatch.commands.councils import councils
from sendwatch.commands.crawl import crawl
from sendwatch.commands.demo import demo
from sendwatch.commands.digest import digest
from sendwatch.commands.evaluate import evaluate
from sendwatch.commands.extract import extract
from sendwatch.commands.run import run
from sendwatch.commands.serve import serve
from sendwatch.commands.status import status
from sendwatch.commands.subscriptions import subscribe, subscribers, unsubscribe

COMMANDS = [
    run,
    status,
    digest,
    evaluate,
    demo,
    serve,
    crawl,
    extract,
    councils,
    check_config,
    subscribe,
    unsubscribe,
    subscribers,
]
