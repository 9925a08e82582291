"""YAML from the inbox, read safely: bounded size, bounded aliases, bounded expanded size."""

from __future__ import annotations

from pathlib import Path

import yaml

MAX_YAML_BYTES = 1_000_000  # a manifest or questionnaire is a few KB
MAX_ALIASES = 50  # merge keys (<<: *defaults) are fine; an alias bomb is not
MAX_EXPANDED_NODES = 100_000  # nodes after expanding every alias (the bomb's real size)


class UnsafeYaml(Exception):
    """The YAML is too large, or its aliases would expand beyond the bound."""


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and measures the document as if aliases were copies."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                raise UnsafeYaml(f"fler än {MAX_ALIASES} alias (*namn) – vägrar läsa")
        return super().compose_node(parent, index)

    def compose_document(self):  # type: ignore[no-untyped-def]
        node = super().compose_document()
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise UnsafeYaml(
                f"aliasen (*namn) växer till fler än {MAX_EXPANDED_NODES} värden – vägrar läsa"
            )
        return node


def _expanded_size(node: yaml.Node, seen: dict[int, int]) -> int:
    """Nodes of the document with each alias counted as a full copy (memoised: linear time)."""
    key = id(node)
    if key in seen:
        return seen[key]
    seen[key] = 1  # a recursive alias counts once; constructing it stays bounded
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, seen) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
    else:
        size = 1
    seen[key] = size
    return size


def load_yaml_text(text: str) -> object:
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise UnsafeYaml(f"större än {MAX_YAML_BYTES // 1000} kB – vägrar läsa")
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
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
