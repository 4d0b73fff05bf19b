"""``sendwatch demo`` and what it stands on: an offline demonstration of the whole cycle.

``run`` starts the local council site, points a config at it and runs the real cycle twice;
``councils`` holds the demo's three fictional councils and their papers; ``site`` is the local
imitation of ModernGov, CMIS and listing sites that the demo, the tests and the benchmarks use.
Importing the package loads none of them, so ``sendwatch.demo.site`` can be used on its own.
"""
