"""sendwatch's crawler: polite, incremental Scrapy spiders for ModernGov, CMIS and listing pages.

    from crawler import crawl_councils, CouncilCrawlResult
    results = crawl_councils(config, database, slugs=None, cycle_id=None, on_result=None, stop=None)

Every council is crawled at once (``crawler.runner``), each by its platform's spider
(``crawler.spiders``) in a Scrapy crawler of its own, many to a long-lived worker process
(``crawler.pool``, ``crawler.worker``); its findings are written in one transaction when it
ends (``crawler.child``, ``crawler.store``).
"""

from crawler.result import CouncilCrawlResult
from crawler.runner import crawl_councils

__all__ = ["CouncilCrawlResult", "crawl_councils"]
