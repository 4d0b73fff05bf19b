"""One spider per platform; councils are data (a ``Council`` from config) given to the spider."""

from crawler.spiders.base import CouncilSpider
from crawler.spiders.cmis import CmisSpider
from crawler.spiders.listing import ListingSpider
from crawler.spiders.moderngov import ModernGovSpider

SPIDERS: dict[str, type[CouncilSpider]] = {"moderngov": ModernGovSpider, "cmis": CmisSpider, "listing": ListingSpider}

__all__ = ["SPIDERS", "CmisSpider", "CouncilSpider", "ListingSpider", "ModernGovSpider"]
