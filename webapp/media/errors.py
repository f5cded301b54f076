"""Why a source cannot become playable video, in one line each."""

from webapp.jobs import JobFailed


class MediaError(JobFailed):
    """A transcode cannot go on; the message says why in words an admin can act on."""


class BadSource(MediaError):
    """The file itself is unusable (not a video, empty, too long, too large): nothing is written."""


NOT_A_VIDEO = "This file is not a video Marquee can read."
NO_VIDEO_STREAM = "This file has no video stream (audio only?)."
EMPTY = "The file is empty."
UNSUPPORTED_CODEC = "The video uses a codec Marquee cannot decode ({codec})."
ZERO_LENGTH = "The video is zero seconds long."
TOO_LONG = (
    "The video is {seconds:,.0f} s long; Marquee takes at most {limit:,.0f} s (MEDIA_MAX_SECONDS)."
)
TOO_LARGE = "The file is larger than {limit} (MEDIA_MAX_UPLOAD_BYTES)."
NO_DURATION = "Marquee cannot tell how long this video is."
