"""sendwatch's crawler: polite, incremental Scrapy spiders for ModernGov, CMIS and listing pages.

    from crawler import crawl_councils, CouncilCrawlResult
    results = crawl_councils(config, database, slugs=None, cycle_id=None, on_result=None, stop=None)

Each council is crawled in its own child process (``crawler.runner``), by its platform's spider
(``crawler.spiders``), and its findings are written in one transaction (``crawler.store``).
"""

from crawler.result import CouncilCrawlResult
from crawler.runner import crawl_councils

__all__ = ["CouncilCrawlResult", "crawl_councils"]
