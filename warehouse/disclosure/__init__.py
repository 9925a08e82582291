"""Disclosure control: every published count or sum of people passes through here before publishing.

`linked` holds the rule (atoms, cells, primary and secondary suppression), `audit` the attacker's
linear program that proves a pattern safe, `surveys` and `sick_leave` the warehouse steps that
apply it to the survey cells and to the sick-leave figures (one linked table at a time, results
cached in the store by `cache` while their inputs are unchanged), and `report` what protection cost.
See docs/disclosure.md for the threat model and the method.
"""
