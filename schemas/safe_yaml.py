"""YAML from the inbox, read safely: bounded size, bounded aliases, bounded expanded size."""

from __future__ import annotations

from pathlib import Path

import yaml

MAX_YAML_BYTES = 1_000_000  # a manifest or questionnaire is a few KB
MAX_ALIASES = 50  # merge keys (<<: *defaults) are fine; an alias bomb is not
MAX_EXPANDED_NODES = 100_000  # nodes after expanding every alias (the bomb's real size)


class UnsafeYaml(Exception):
    """The YAML is too large, or its aliases would expand beyond the bound."""


# libyaml's parser (C) where PyYAML has it, as its wheels do: a national manifest (2,420 files)
# 1.72 -> 0.28 s, read up to three times a refresh; and libyaml refuses nesting deeper than
# 1,000 levels with a YAMLError, where the pure-Python parser recursed into a RecursionError.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _measure(root: yaml.Node) -> tuple[int, int]:
    """(aliases used, nodes of the document with each alias counted as a full copy).

    The parser makes an alias a second reference to its anchor's node, so every node met
    again is an alias; sizes are memoised (linear time), and a node met again while its own
    children are being counted (a recursive alias) counts once. Iterative: no depth limit.
    """
    size: dict[int, int] = {}
    aliases = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, counted = stack.pop()
        if counted:
            size[id(node)] = 1 + sum(size[id(child)] for child in _children(node))
        elif id(node) in size:
            aliases += 1
        else:
            size[id(node)] = 1
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    return aliases, size[id(root)]


def _check_bounds(node: yaml.Node) -> None:
    aliases, expanded = _measure(node)
    if aliases > MAX_ALIASES:
        raise UnsafeYaml(f"fler än {MAX_ALIASES} alias (*namn) – vägrar läsa")
    if expanded > MAX_EXPANDED_NODES:
        raise UnsafeYaml(
            f"aliasen (*namn) växer till fler än {MAX_EXPANDED_NODES} värden – vägrar läsa"
        )


def load_yaml_text(text: str) -> object:
    """The text's single YAML document, its aliases checked before any value is built."""
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise UnsafeYaml(f"större än {MAX_YAML_BYTES // 1000} kB – vägrar läsa")
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_bounds(node)
        return loader.construct_document(node)
    except RecursionError as exc:  # the pure-Python parser (PyYAML without libyaml)
        raise UnsafeYaml("för djupt nästlad – vägrar läsa") from exc
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> object:
    """The file's single YAML document; UnsafeYaml, OSError or yaml.YAMLError when it cannot be."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise UnsafeYaml(f"{size // 1000} kB, större än {MAX_YAML_BYTES // 1000} kB – vägrar läsa")
    with open(path, "rb") as f:
        raw = f.read(MAX_YAML_BYTES + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnsafeYaml("inte UTF-8") from exc
    return load_yaml_text(text)
