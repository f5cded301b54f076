"""A parsed search query (word groups) and the tiers suggestions are ranked in.

Shared by both index implementations and by webapp.search.service, which
parses the viewer's words into Groups and asks for each tier in turn.
"""

TITLE_TIER = "title"  # suggestion tier: every word in the title's name
CAST_TIER = "cast"  # suggestion tier: the rest, with words in the cast's names


class Groups(list):
    """A parsed query: a list of word groups; any word of a group may match, every group must.

    The last group is matched as a prefix (the viewer may still be typing). With
    `names_only`, that prefix is looked for in titles' names and people only: as
    the viewer types two letters, "th" should find "The ..." and "Thurman", not
    every synopsis with "the" in it (which would also be slow to rank).
    """

    names_only = False

    def with_names_only(self, value: bool) -> "Groups":
        copy = Groups(self)
        copy.names_only = value
        return copy

    @property
    def cast_tier_possible(self) -> bool:
        """Whether any word may match a cast name (a lone short prefix looks in titles only)."""
        return len(self) > 1 or not short_group(self[-1])


def short_group(group: list[str]) -> bool:
    """One or two letters typed: too common a prefix to look for beyond titles' names."""
    return max(len(w) for w in group) <= 2
