"""Every type of event the log holds, once, with what it means.

The browser's batches are checked against EVENT_TYPES (webapp.activity.schema),
the demo seed writes these types (webapp.seed), training reads the ones that
say something about taste (webapp.recommendations.feedback) and the insights
count them. The groups below are the only lists of types: code names a type
or a group from here rather than spelling a list of its own. What each type
does to current state is told in webapp.activity's docstring.

`recommender/` keeps its own names for the types it weighs: it is a library
that never imports the site.
"""

IMPRESSION = "impression"
CLICK = "click"
PLAY_START = "play_start"
HEARTBEAT = "heartbeat"
PAUSE = "pause"
SEEK = "seek"
COMPLETE = "complete"
ABANDON = "abandon"
RATE = "rate"
UNRATE = "unrate"
LIST_ADD = "list_add"
LIST_REMOVE = "list_remove"
SEARCH = "search"
SEARCH_CLICK = "search_click"
STARTUP = "startup"
REBUFFER = "rebuffer"
RENDITION_SWITCH = "rendition_switch"
PLAYBACK_ERROR = "playback_error"
PREVIEW = "preview"

MEANINGS: dict[str, str] = {
    IMPRESSION: "a title's card was shown in a row (row_key, row_pos, col_pos, artwork_variant)",
    CLICK: "a card was chosen from a row, opening the title",
    PLAY_START: "playback began; value = the starting position in seconds",
    HEARTBEAT: "playback goes on; value = the position in seconds, sent now and then",
    PAUSE: "the viewer paused, meaning to come back; value = the position",
    SEEK: "the viewer jumped; value = the new position",
    COMPLETE: "the viewer watched to the end (90 % or more); value = the position",
    ABANDON: "the viewer gave up on the title; value = the position",
    RATE: "a thumb: value -1 thumbs down, 1 thumbs up, 2 love it",
    UNRATE: "the viewer took their thumb back",
    LIST_ADD: "the title was added to My List",
    LIST_REMOVE: "the title was taken off My List",
    SEARCH: "a search; no title, text = the query, value = how many results",
    SEARCH_CLICK: "a search result was chosen; text = the query",
    STARTUP: "seconds from pressing play to the first frame",
    REBUFFER: "one stall of playback; value = its seconds",
    RENDITION_SWITCH: "the player changed quality; value = the new rendition's height",
    PLAYBACK_ERROR: "the video failed; text = what failed, value = the error code if any",
    PREVIEW: (
        "a muted trailer preview began playing on the home hero or the title page; "
        "value = the trailer variant's id"
    ),
}
EVENT_TYPES: tuple[str, ...] = tuple(MEANINGS)

# Position events: value is where the viewer is, in seconds; they move resume points.
PLAYBACK = (PLAY_START, HEARTBEAT, PAUSE, SEEK, COMPLETE, ABANDON)
# Playback quality, from the player; they change no current state.
QUALITY = (STARTUP, REBUFFER, RENDITION_SWITCH, PLAYBACK_ERROR)
RATINGS = (RATE, UNRATE)
MY_LIST = (LIST_ADD, LIST_REMOVE)
# The only type logged without a title.
NO_TITLE = (SEARCH,)
# Playback that tells how much of a title was watched, as training reads it.
WATCHED = (PLAY_START, HEARTBEAT, COMPLETE, ABANDON)
# What says something about taste; impressions, searches, pauses and seeks are
# left to the analytics.
FEEDBACK = (*WATCHED, *RATINGS, *MY_LIST, CLICK)
# What a viewer did, as against what they were shown (impressions) or chose
# from a row (clicks): the demo seed's count of interactions.
INTERACTIONS = (*PLAYBACK, *RATINGS, *MY_LIST, SEARCH, SEARCH_CLICK)
# Actions the insights count per viewer.
ACTIONS = (LIST_ADD, RATE, SEARCH)
