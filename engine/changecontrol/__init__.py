"""Contract change control (annex 12a §1, §2, §2.1, §2.2): the tender norm sheet, KPI change requests and the
effective-dated norm register.

Python builds facts (one per condition per request or sheet item); the rule definitions in ``rulesets`` decide,
judged by durable-rules through ``engine.judge`` (the only module that imports it). Each condition is reported
on its own, with its outcome and the annex sentence it comes from (``quotes``).
"""
