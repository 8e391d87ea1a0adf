"""The video address parser (articles/video.py): every shape editors paste, every refusal."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.video import VIMEO, YOUTUBE, Video, VideoAddressError, parse_start, parse_video_url

YT = "aqz-KE-bpKQ"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (f"https://www.youtube.com/watch?v={YT}", Video(YOUTUBE, YT)),
        (f"https://youtube.com/watch?v={YT}", Video(YOUTUBE, YT)),
        (f"http://www.youtube.com/watch?v={YT}", Video(YOUTUBE, YT)),
        (f"www.youtube.com/watch?v={YT}", Video(YOUTUBE, YT)),
        (f"https://WWW.YouTube.com/watch?v={YT}", Video(YOUTUBE, YT)),
        (f"https://www.youtube.com/watch?feature=share&v={YT}&list=PL123", Video(YOUTUBE, YT)),
        (f"https://www.youtube.com/watch?v={YT}&t=90", Video(YOUTUBE, YT, 90)),
        (f"https://www.youtube.com/watch?v={YT}&t=1m30s", Video(YOUTUBE, YT, 90)),
        (f"https://www.youtube.com/watch?v={YT}&t=1h2m3s", Video(YOUTUBE, YT, 3723)),
        (f"https://m.youtube.com/watch?v={YT}", Video(YOUTUBE, YT)),
        (f"https://youtu.be/{YT}", Video(YOUTUBE, YT)),
        (f"https://youtu.be/{YT}?si=AbCdEf&t=45", Video(YOUTUBE, YT, 45)),
        (f"https://www.youtube.com/shorts/{YT}", Video(YOUTUBE, YT)),
        (f"https://www.youtube.com/embed/{YT}", Video(YOUTUBE, YT)),
        (f"https://www.youtube.com/embed/{YT}?start=30", Video(YOUTUBE, YT, 30)),
        (f"https://www.youtube.com/live/{YT}", Video(YOUTUBE, YT)),
        (f"https://www.youtube-nocookie.com/embed/{YT}?start=5", Video(YOUTUBE, YT, 5)),
        (f"  https://youtu.be/{YT}\n", Video(YOUTUBE, YT)),
        ("https://vimeo.com/76979871", Video(VIMEO, "76979871")),
        ("https://www.vimeo.com/76979871", Video(VIMEO, "76979871")),
        ("https://vimeo.com/76979871#t=30s", Video(VIMEO, "76979871", 30)),
        ("https://vimeo.com/channels/staffpicks/76979871", Video(VIMEO, "76979871")),
        ("https://player.vimeo.com/video/76979871", Video(VIMEO, "76979871")),
        ("https://player.vimeo.com/video/76979871?h=8f3a2b1c9d", Video(VIMEO, "76979871", 0, "8f3a2b1c9d")),
        ("https://vimeo.com/76979871/8f3a2b1c9d", Video(VIMEO, "76979871", 0, "8f3a2b1c9d")),
    ],
)
def test_accepts_the_shapes_editors_paste(address, expected):
    assert parse_video_url(address) == expected


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "not an address",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)//youtube.com/watch?v=aqz-KE-bpKQ",
        "data:text/html,<script>alert(1)</script>",
        f"ftp://www.youtube.com/watch?v={YT}",
        f"//www.youtube.com/watch?v={YT}",
        f"https://youtube.com.evil.example/watch?v={YT}",
        f"https://evil.example/youtube.com/watch?v={YT}",
        f"https://notyoutube.com/watch?v={YT}",
        f"https://www.youtube.co/watch?v={YT}",
        f"https://youtu.be.evil.example/{YT}",
        "https://vimeo.com.evil.example/76979871",
        "https://evilvimeo.com/76979871",
        f"http://youtube.com@evil.example/watch?v={YT}",
        f"https://user:pass@www.youtube.com/watch?v={YT}",
        f"https://www.youtube.com:8443/watch?v={YT}",
        f"https://www.youtube.com\\@evil.example/watch?v={YT}",
        f"https://www.you tube.com/watch?v={YT}",
        f"https://www.youtube.com/watch?v={YT}\x00",
        "https://www.dailymotion.com/video/x8abcd",
        "https://www.tiktok.com/@someone/video/7234567890123456789",
        "https://www.youtube.com/",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=aqz-KE-bpKQx",
        "https://www.youtube.com/watch?v=aqz-KE<bpKQ",
        "https://www.youtube.com/@BlenderOfficial",
        "https://www.youtube.com/playlist?list=PL123",
        "https://youtu.be/",
        "https://vimeo.com/",
        "https://vimeo.com/channels/staffpicks",
        "https://vimeo.com/user12345",
        "https://vimeo.com/76979871/not-a-hash!",
        "https://vimeo.com/76979871/8f3a2b1c9d/extra",
        "https://player.vimeo.com/76979871",
        "https://player.vimeo.com/video/abc",
    ],
)
def test_refuses_other_hosts_lookalikes_and_malformed_addresses(address):
    with pytest.raises(VideoAddressError) as error:
        parse_video_url(address)
    assert str(error.value).startswith("Only YouTube and Vimeo videos can be embedded:")


def test_refusal_quotes_the_address_as_pasted():
    with pytest.raises(VideoAddressError, match="“https://www.dailymotion.com/video/x8abcd”"):
        parse_video_url("https://www.dailymotion.com/video/x8abcd")


@pytest.mark.parametrize(("value", "seconds"), [("", 0), ("0", 0), ("75", 75), ("75s", 75), ("2m", 120), ("x", 0)])
def test_start_times_in_the_hosts_notations(value, seconds):
    assert parse_start(value) == seconds


def test_start_time_is_bounded_to_a_day():
    assert parse_start("99h") == 24 * 3600


def test_youtube_player_is_the_nocookie_one_with_autoplay_and_start():
    video = parse_video_url(f"https://youtu.be/{YT}?t=90")
    assert video.player_url() == f"https://www.youtube-nocookie.com/embed/{YT}?autoplay=1&start=90"
    assert video.player_url(autoplay=False) == f"https://www.youtube-nocookie.com/embed/{YT}?start=90"
    assert video.page_url == f"https://www.youtube.com/watch?v={YT}&t=90s"
    assert video.host_name == "YouTube"


def test_vimeo_player_does_not_track_and_keeps_the_private_hash():
    video = parse_video_url("https://vimeo.com/76979871/8f3a2b1c9d#t=12")
    assert video.player_url() == "https://player.vimeo.com/video/76979871?h=8f3a2b1c9d&dnt=1&autoplay=1#t=12s"
    assert video.player_url(autoplay=False) == "https://player.vimeo.com/video/76979871?h=8f3a2b1c9d&dnt=1#t=12s"
    assert video.page_url == "https://vimeo.com/76979871/8f3a2b1c9d#t=12s"
    assert video.host_name == "Vimeo"


YOUTUBE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
youtube_ids = st.text(alphabet=YOUTUBE_ID_ALPHABET, min_size=11, max_size=11)


@given(video_id=youtube_ids, start=st.integers(min_value=0, max_value=86400))
def test_page_and_player_addresses_read_back_as_the_same_video(video_id, start):
    video = Video(YOUTUBE, video_id, start)
    assert parse_video_url(video.page_url) == video
    assert parse_video_url(video.player_url()) == video


@given(video_id=st.integers(min_value=1, max_value=10**11), private_hash=st.sampled_from(["", "8f3a2b1c9d", "abcdef"]))
def test_vimeo_addresses_read_back_as_the_same_video(video_id, private_hash):
    video = Video(VIMEO, str(video_id), 0, private_hash)
    assert parse_video_url(video.page_url) == video
    assert parse_video_url(video.player_url()) == video


@given(
    prefix=st.sampled_from(["youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com"]),
    suffix=st.from_regex(r"\.[a-z]{2,10}(\.[a-z]{2,5})?", fullmatch=True),
    path=st.sampled_from([f"watch?v={YT}", YT, f"embed/{YT}", "76979871", "video/76979871"]),
)
def test_a_known_host_name_followed_by_another_domain_is_refused(prefix, suffix, path):
    with pytest.raises(VideoAddressError):
        parse_video_url(f"https://{prefix}{suffix}/{path}")


@given(st.text(max_size=200))
def test_any_text_is_a_video_of_an_allowed_host_or_refused_with_the_message(text):
    try:
        video = parse_video_url(text)
    except VideoAddressError as error:
        assert "Only YouTube and Vimeo videos can be embedded" in str(error)
    else:
        assert video.player_url().startswith(
            ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
        )
