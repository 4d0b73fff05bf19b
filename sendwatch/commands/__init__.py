"""One module per command. ``COMMANDS`` maps each command's name to where it lives.

The CLI imports a command's module only when that command runs (or when help lists them all),
so ``sendwatch councils`` does not pay for importing Scrapy, the PDF engines and the mailer.
"""

COMMANDS: dict[str, str] = {
    "run": "sendwatch.commands.run:run",
    "status": "sendwatch.commands.status:status",
    "digest": "sendwatch.commands.digest:digest",
    "evaluate": "sendwatch.commands.evaluate:evaluate",
    "demo": "sendwatch.commands.demo:demo",
    "serve": "sendwatch.commands.serve:serve",
    "crawl": "sendwatch.commands.crawl:crawl",
    "extract": "sendwatch.commands.extract:extract",
    "probe": "sendwatch.commands.probe:probe",
    "councils": "sendwatch.commands.councils:councils",
    "check-config": "sendwatch.commands.check_config:check_config",
    "subscribe": "sendwatch.commands.subscriptions:subscribe",
    "unsubscribe": "sendwatch.commands.subscriptions:unsubscribe",
    "subscribers": "sendwatch.commands.subscriptions:subscribers",
    "mail": "sendwatch.commands.mail:mail",
    "unlock": "sendwatch.commands.unlock:unlock",
    "search": "sendwatch.commands.search:search",
    "worker": "sendwatch.commands.worker:worker",
}
