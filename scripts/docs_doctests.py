"""A griffe extension for the docs build: a docstring's top-level doctest becomes a ```pycon block.

relulab's docstrings carry doctests (run by pytest) at the left margin, where Markdown would read
them as a paragraph -- and ``['a', 'b']`` in an expected output as a cross-reference. Used by
mkdocs.yml's mkdocstrings options; nothing else imports it.
"""

from __future__ import annotations

import griffe


def fence_doctests(text: str) -> str:
    """Wrap each run of lines that starts at the margin with ``>>>`` (up to a blank line) in a fence.

    >>> print(fence_doctests("Doubles.\\n\\n>>> [2 * 1]\\n[2]\\n\\nMore."))
    Doubles.
    <BLANKLINE>
    ```pycon
    >>> [2 * 1]
    [2]
    ```
    <BLANKLINE>
    More.
    """
    out: list[str] = []
    in_doctest = in_fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if not in_fence and not in_doctest and line.startswith(">>>"):
            out.append("```pycon")
            in_doctest = True
        elif in_doctest and not line.strip():
            out.append("```")
            in_doctest = False
        out.append(line)
    if in_doctest:
        out.append("```")
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
