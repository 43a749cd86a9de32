"""WeChat protocol: signatures and AES safe mode on the official sample vectors; safe XML; splitting."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.wechat.crypto import (
    InvalidSignatureError,
    WeChatCrypto,
    WeChatCryptoError,
    check_signature,
    sign,
)
from bot.channels.wechat.render import (
    TEXT_MAX_BYTES,
    ChoiceMenu,
    merge_menus,
    parts_from_payload,
    parts_to_payload,
    render_replies,
    split_for_wechat,
)
from bot.channels.wechat.xml import (
    XmlError,
    build_text_reply,
    parse_message,
    parse_xml,
)
from bot.core.types import Choice, Reply

# --- official vectors --------------------------------------------------------------------------
# Official Account SDK (WXBizMsgCryptTest.java, 公众平台消息加解密 Java sample): fixed random prefix.
JAVA_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
JAVA_APPID = "wxb11529c136998cb6"
JAVA_RANDOM = b"aaaabbbbccccdddd"
JAVA_REPLY = "我是中文abcd123"
JAVA_CIPHER = (
    "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
)
JAVA_REPLY2 = (
    "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
    "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
    "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79"
    "GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title>"
    "<Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>"
)
JAVA_CIPHER2 = (
    "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcE"
    "cW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tY"
    "PKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI2"
    "7OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC5"
    "0qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d"
    "8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMM"
    "aBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb"
)

# Official sample (Sample.cs / testVerifyUrl): token QDG6eK, the 43-char key and AppID below.
SAMPLE_TOKEN = "QDG6eK"
SAMPLE_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
SAMPLE_APPID = "wx5823bf96d3bd56c7"
SAMPLE_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj9"
    "11L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DO"
    "dnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03"
    "v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6Bp"
    "NelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+"
    "E7Q=="
)

# 公众号 developer documentation sample (消息加解密接入指引): token spamtest.
DOC_TOKEN, DOC_APPID = "spamtest", "wx2c2769f8efd9abc2"
DOC_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQH"
    "FVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsV"
    "ticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0V"
    "xpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrc"
    "pCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)


def test_plain_signature_vector() -> None:
    assert check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", "1410685589", "test")
    assert not check_signature("test", "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", "1410685589", "test")
    assert not check_signature("test", "", "1410685589", "test")


def test_official_sdk_encrypt_vectors() -> None:
    crypto = WeChatCrypto("pamtest", JAVA_KEY, JAVA_APPID)
    assert crypto.encrypt(JAVA_REPLY, JAVA_RANDOM) == JAVA_CIPHER
    assert crypto.encrypt(JAVA_REPLY2, JAVA_RANDOM) == JAVA_CIPHER2
    assert crypto.decrypt(JAVA_CIPHER) == JAVA_REPLY
    assert crypto.decrypt(JAVA_CIPHER2) == JAVA_REPLY2


def test_official_sample_decrypts_with_msg_signature() -> None:
    crypto = WeChatCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID)
    xml = crypto.decrypt_message(
        SAMPLE_ENCRYPT, "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149"
    )
    fields = parse_xml(xml)
    assert fields["Content"] == "hello"
    assert fields["MsgId"] == "4561255354251345929"


def test_official_verify_url_vector() -> None:
    crypto = WeChatCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID)
    echo = crypto.decrypt_message(
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
        "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
        "1409659589",
        "263014780",
    )
    assert echo == "1616140317555161061"


def test_official_account_doc_sample() -> None:
    crypto = WeChatCrypto(DOC_TOKEN, JAVA_KEY, DOC_APPID)
    xml = crypto.decrypt_message(
        DOC_ENCRYPT, "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132"
    )
    message = parse_message(parse_xml(xml))
    assert (message.from_user, message.content) == ("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "abcdteT")
    assert message.msg_id == "6054768590064713728"


def test_tampered_signature_ciphertext_or_appid_rejected() -> None:
    crypto = WeChatCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID)
    with pytest.raises(InvalidSignatureError):
        crypto.decrypt_message(SAMPLE_ENCRYPT, "0" * 40, "1409659813", "1372623149")
    with pytest.raises(InvalidSignatureError):  # signature covers the timestamp
        crypto.decrypt_message(
            SAMPLE_ENCRYPT, "477715d11cdb4164915debcba66cb864d751f3e6", "1409659814", "1372623149"
        )
    other_app = WeChatCrypto(SAMPLE_TOKEN, SAMPLE_KEY, "wx0000000000000000")
    with pytest.raises(WeChatCryptoError):
        other_app.decrypt(SAMPLE_ENCRYPT)
    # CBC itself is malleable: the msg_signature over the ciphertext is what protects it …
    early = SAMPLE_ENCRYPT[:10] + ("A" if SAMPLE_ENCRYPT[10] != "A" else "B") + SAMPLE_ENCRYPT[11:]
    with pytest.raises(InvalidSignatureError):
        crypto.decrypt_message(
            early, "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149"
        )
    # … and a damaged last block breaks the padding / AppID check.
    late = SAMPLE_ENCRYPT[:-8] + ("A" if SAMPLE_ENCRYPT[-8] != "A" else "B") + SAMPLE_ENCRYPT[-7:]
    with pytest.raises(WeChatCryptoError):
        crypto.decrypt(late)
    for junk in ("", "not base64 !!", "AAAA"):
        with pytest.raises(WeChatCryptoError):
            crypto.decrypt(junk)


def test_bad_keys_rejected() -> None:
    for key in ("short", "@" * 43):
        with pytest.raises(WeChatCryptoError):
            WeChatCrypto("t", key, "wx")


def test_envelope_round_trip_signs_what_it_encrypts() -> None:
    crypto = WeChatCrypto("tok", JAVA_KEY, "wx123")
    cipher, signature = crypto.encrypt_message("<xml>你好</xml>", "1700000000", "42")
    assert signature == sign("tok", "1700000000", "42", cipher)
    assert crypto.decrypt_message(cipher, signature, "1700000000", "42") == "<xml>你好</xml>"


# --- XML ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><xml><C>&b;</C></xml>',
        b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><xml><C>1</C></xml>',
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]><xml><C>&e;</C></xml>',
        b"<xml><C>&undefined;</C></xml>",
        b"<xml><C>unclosed</xml>",
        b"",
        b"\xff\xfe\x00<",
        b"<xml>" + b"<a>" * 50 + b"</a>" * 50 + b"</xml>",
    ],
)
def test_hostile_or_broken_xml_is_refused(payload: bytes) -> None:
    with pytest.raises(XmlError):
        parse_xml(payload)


def test_cdata_escaping_round_trips() -> None:
    xml = build_text_reply("openid", "gh_x", "a]]><b>&c", 1)
    assert parse_xml(xml)["Content"] == "a]]><b>&c"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_reply_text_builds_well_formed_xml(text: str) -> None:
    content = parse_xml(build_text_reply("openid", "gh_x", text, 1))["Content"]
    allowed = "".join(
        ch
        for ch in text
        if ch in "\t\n\r" or (ch >= " " and not "\ud800" <= ch <= "\udfff" and ch not in "\ufffe\uffff")
    )
    assert content == allowed.replace("\r\n", "\n").replace("\r", "\n").strip()


def test_incomplete_envelope_is_an_xml_error() -> None:
    with pytest.raises(XmlError):
        parse_message(parse_xml("<xml><Content>hi</Content></xml>"))


# --- splitting and rendering --------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("政策积分。，\n 😀ab"), min_size=0, max_size=3000))
def test_split_respects_byte_limit_and_keeps_content(text: str) -> None:
    chunks = split_for_wechat(text)
    assert all(len(chunk.encode("utf-8")) <= TEXT_MAX_BYTES for chunk in chunks)
    assert "".join(chunks).replace("\n", "").replace(" ", "") == text.strip().replace(
        "\n", ""
    ).replace(" ", "")


def test_render_numbers_choices_and_orders_image_after_text() -> None:
    replies = [
        Reply(text="结果：80 分", image_png=b"\x89PNG"),
        Reply(text="请选择", choices=((Choice("确认", "c:1"), Choice("<改>", "c:2")),)),
    ]
    rendered = render_replies(replies)
    assert [p.is_image for p in rendered.parts] == [False, True, False]
    text = rendered.parts[2].text
    assert '1. <a href="weixin://bizmsgmenu?msgmenucontent=确认&msgmenuid=1">确认</a>' in text
    assert "&lt;改&gt;" in text and "<改>" not in text  # labels cannot inject markup
    menu = rendered.menu
    assert menu is not None and menu.items == (("c:1", "确认"), ("c:2", "<改>"))
    assert parts_from_payload(parts_to_payload(rendered.parts)) == rendered.parts


def test_menu_picks_by_tap_label_or_number() -> None:
    menu = ChoiceMenu(items=(("c:1", "确认"), ("c:2", "修改")))
    assert menu.pick("修改", menu_id="2") == "c:2"  # a tap on the link
    assert menu.pick("确认") == "c:1"  # typed label
    assert menu.pick(" 2 ") == "c:2"  # typed number
    assert menu.pick("3") is None and menu.pick("随便问问") is None
    assert menu.pick("确认", menu_id="2") == "c:1"  # id and label disagree: the label wins
    pushed = ChoiceMenu(items=(("sub:del:1", "取消此订阅"),), numbers=False)
    assert pushed.pick("1") is None  # a digest numbers its articles: digits stay questions
    assert pushed.pick("取消此订阅") == "sub:del:1"
    assert ChoiceMenu.from_json(menu.to_json()) == menu
    assert ChoiceMenu.from_json("[broken") is None and ChoiceMenu.from_json(None) is None
    merged = ChoiceMenu.from_json(merge_menus(menu.to_json(), [pushed]))
    assert merged is not None and merged.numbers and merged.pick("1") == "c:1"
    assert merged.pick("取消此订阅") == "sub:del:1"


def test_render_caps_message_count() -> None:
    rendered = render_replies([Reply(text="很长的内容。" * 2000)])
    assert len(rendered.parts) == 6
    assert "省略" in rendered.parts[-1].text


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=400),
        st.builds(
            lambda tag, body: f"<xml><{tag}>{body}</{tag}><MsgType>text</MsgType></xml>",
            st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True),
            st.text(max_size=60),
        ),
    )
)
def test_parser_only_ever_raises_xml_error(payload: bytes | str) -> None:
    try:
        fields = parse_xml(payload)
    except XmlError:
        return
    with contextlib.suppress(XmlError):
        parse_message(fields)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_decrypt_of_junk_only_raises_crypto_error(junk: str) -> None:
    crypto = WeChatCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID)
    with pytest.raises(WeChatCryptoError):
        crypto.decrypt(junk)
