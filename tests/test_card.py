"""Card extraction: a letter in, a card out."""

from __future__ import annotations

import datetime as dt
import json
from email.message import EmailMessage

import pytest

from docket.errors import InputError
from pipeline.card import extract_card, load_directory
from pipeline.card.directory import read_directory
from pipeline.ingest import ingest_bytes, ingest_text
from pipeline.resources import Resources

ORGS_CSV = """id,name,inn,aliases
org-min,Министерство строительства и инфраструктуры Челябинской области,7451234567,Минстрой Челябинской области
org-gov,Правительство Челябинской области,7451000001,
org-pros,Прокуратура Советского района г. Челябинска,,
"""

# A formal letter as OCR reads a two-column header: the sender's block on the left, the addressee on the
# right, lines interleaved; a law with its own «от … №» in the body; an incoming stamp at the bottom.
FORMAL = """МИНИСТЕРСТВО СТРОИТЕЛЬСТВА
И ИНФРАСТРУКТУРЫ                              Главе города Челябинска
ЧЕЛЯБИНСКОЙ ОБЛАСТИ                           Лошкину А.А.
ул. Елькина, 77, г. Челябинск, 454091
тел. (351) 237-68-12
от 14.03.2024 № 01-12/3456
на № 45-7/12 от 01.03.2024

О ремонте кровли школы № 12

Уважаемый Алексей Александрович!
В соответствии с Федеральным законом от 02.05.2006 № 59-ФЗ «О порядке рассмотрения обращений граждан
Российской Федерации» сообщаем, что ремонт кровли запланирован на второй квартал.

Приложение: график работ на 3 л. в 1 экз.; смета на 2 л. в 1 экз.

Заместитель министра                                            И.И. Петров

Исп. Сидорова А.В.
тел. 8 (351) 263-44-83
Вх. № 2025-7 от 15.03.2024
"""


@pytest.fixture
def directory(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_text(ORGS_CSV, encoding="utf-8")
    return read_directory(path)


def card_of(text: str, directory=None, **meta) -> dict:
    return extract_card(ingest_text(text, metadata=meta), Resources(directory=directory)).model_dump(
        mode="json"
    )


def value(card: dict, field: str):
    return card[field]["value"] if card[field] else None


def test_formal_letter_header_and_footer(directory):
    card = card_of(FORMAL, directory)
    assert value(card, "outgoing_number") == "01-12/3456"
    assert value(card, "outgoing_date") == "2024-03-14"
    assert value(card, "reply_to") == {"number": "45-7/12", "date": "2024-03-01"}
    assert value(card, "correspondent")["id"] == "org-min"
    assert card["correspondent"]["source"] == "directory"
    assert value(card, "signatory") == {"name": "И.И. Петров", "position": "Заместитель министра"}
    assert value(card, "sender_contact")["name"] == "Сидорова А.В."
    assert value(card, "sender_contact")["phone"] == "8 (351) 263-44-83"
    assert value(card, "attachment_sheets") == 5
    assert value(card, "summary") == "О ремонте кровли школы № 12"
    assert "Лошкин А.А." in value(card, "addressee")
    assert value(card, "applicant") is None  # a ministry's letter has no applicant


def test_evidence_points_at_the_value_on_its_page(directory):
    card = card_of(FORMAL, directory)
    evidence = card["outgoing_number"]["evidence"]
    assert evidence["page"] == 1
    assert FORMAL[evidence["start"] : evidence["end"]] == "01-12/3456"
    for field in ("outgoing_number", "outgoing_date", "correspondent", "summary"):
        f = card[field]
        assert 0.0 <= f["confidence"] <= 1.0
        assert f["needs_review"] == (f["confidence"] < 0.6)


def test_law_reference_in_the_body_is_not_the_outgoing_pair():
    text = """Уважаемый Иван Петрович!
В соответствии с Федеральным законом от 02.05.2006 № 59-ФЗ и постановлением от 10.01.2024 № 15-п
сообщаем о результатах рассмотрения.
"""
    card = card_of(text)
    assert card["outgoing_number"] is None
    assert card["outgoing_date"] is None


def test_genitive_month_keeps_its_day():
    text = "Администрация Копейского городского округа\n«12» апреля 2024 года № 1567/01\n\nО подготовке к паводку\n"
    card = card_of(text)
    assert value(card, "outgoing_date") == "2024-04-12"
    assert value(card, "outgoing_number") == "1567/01"


def test_incoming_stamp_is_ours_not_the_senders():
    text = "ООО «Ромашка»\nО поставке оборудования\nВх. № 123 от 15.03.2024\nСообщаем о поставке.\n"
    card = card_of(text)
    assert card["outgoing_number"] is None
    assert card["outgoing_date"] is None


FORWARDED = """ПРАВИТЕЛЬСТВО ЧЕЛЯБИНСКОЙ ОБЛАСТИ
пл. Революции, 4, г. Челябинск
от 04.02.2025 № 2252-21-ПрЧО
Главе города Челябинска
Лошкину А.А.

В соответствии с ч. 3 ст. 8 Федерального закона от 2 мая 2006 года № 59-ФЗ «О порядке рассмотрения
обращений граждан Российской Федерации» направляю на рассмотрение обращение Головановой Т.Т.,
поступившее в адрес Правительства Челябинской области.
Приложение: на 2 л.

Заместитель Губернатора
Челябинской области                                           А.М. Фалейчик

Губернатору Челябинской области
от Головановой Таисии Тимуровны,
проживающей по адресу: г. Челябинск, ул. Шагольская, д. 2, кв. 5
golovanova.t67@gmail.com
Заявление
Прошу принять меры по откачке воды из подвала нашего дома.
"""


def test_forwarded_appeal_cover_letter_is_correspondent_citizen_is_applicant(directory):
    card = card_of(FORWARDED, directory)
    assert value(card, "doc_kind") in {"citizen_appeal", "collective_appeal"}
    assert value(card, "correspondent")["id"] == "org-gov"
    assert value(card, "forwarded_by")["id"] == "org-gov"
    assert value(card, "outgoing_number") == "2252-21-ПрЧО"
    assert value(card, "outgoing_date") == "2025-02-04"
    applicant = value(card, "applicant")
    assert applicant["full_name"].startswith("Голованова")
    assert applicant["email"] == "golovanova.t67@gmail.com"
    assert "Шагольская" in applicant["address"]
    assert value(card, "attachment_sheets") == 2


WEB_FORM = """№ 522/25
Сайт Администрации города
Вопрос с сайта [Интернет-приемная]
Фамилия, имя, отчество: Рябинин Павел Глебович
Адрес электронной почты: ryabinin.p78@list.ru
Телефон: 79197548041
Вопрос:
Здравствуйте. Прошу восстановить уличное освещение на улице Лесной в поселке Новосинеглазово.
"""


def test_internet_reception_form_fields():
    card = card_of(WEB_FORM)
    assert value(card, "channel") == "web_form"
    assert value(card, "outgoing_number") == "522/25"
    assert value(card, "doc_kind") == "citizen_appeal"
    assert value(card, "applicant") == {
        "full_name": "Рябинин Павел Глебович",
        "email": "ryabinin.p78@list.ru",
        "phone": "79197548041",
        "address": None,
    }
    assert "освещение" in value(card, "summary")


def test_postal_address_label_after_a_reply_address_holding_an_e_mail():
    from pipeline.card.applicant import address

    form = (
        "Заявитель: Иванова Анна Сергеевна\n"
        "Адрес для ответа: ivanova.a@mail.ru\n"
        "Контактный телефон: 8-912-000-11-22\n"
        "Адрес проживания: 454000, г. Челябинск, ул. Кирова, д. 5, кв. 7\n"
        "Суть обращения:\n"
    )
    found = address(form)
    assert found.value == "454000, г. Челябинск, ул. Кирова, д. 5, кв. 7"
    assert form[found.start : found.end] == found.value
    assert address("Адрес для ответа: ivanova.a@mail.ru\nСуть обращения: свет") is None
    # a feedback platform's printout: a bare «Адрес:» label at the start of a line
    printout = (
        "Автор: Иванова Анна Сергеевна\nАдрес: 454000, г. Челябинск, ул. Кирова, д. 5, кв. 7\nОписание:\n"
    )
    assert address(printout).value == "454000, г. Челябинск, ул. Кирова, д. 5, кв. 7"


def test_declined_names_are_normalised_to_the_nominative():
    text = "Главе города\nот Пахомовой Маргариты Тимуровны\nЗаявление\nЯ прошу установить лестницу у дома.\n"
    card = card_of(text)
    assert value(card, "applicant")["full_name"] == "Пахомова Маргарита Тимуровна"


@pytest.mark.parametrize(
    ("written", "nominative"),
    [
        ("Пестова Афанасия Алексеевича", "Пестов Афанасий Алексеевич"),  # not the village «Пестово»
        ("Ореховой Прасковьи Кирилловны", "Орехова Прасковья Кирилловна"),  # not the adjective
        ("Кузнецовым Петром Ивановичем", "Кузнецов Петр Иванович"),
        ("Черных Анны Петровны", "Черных Анна Петровна"),  # indeclinable
        ("Мамонтова Вера Олеговна", "Мамонтова Вера Олеговна"),  # already nominative: kept
    ],
)
def test_surnames_the_dictionary_lacks_go_back_to_the_nominative(written, nominative):
    from pipeline.card.nlp import nominative_name

    assert nominative_name(written).replace("ё", "е") == nominative


def test_email_with_metadata_brings_channel_and_sender():
    message = EmailMessage()
    message["From"] = "Валерия Чистякова <chistyakova.v34@gmail.com>"
    message["To"] = "mail@admin.example.ru"
    message["Subject"] = "Неисправный валидатор в автобусе"
    message["Date"] = "Mon, 03 Feb 2025 15:41:00 +0500"
    message.set_content("Добрый день! Прошу принять меры: валидатор в автобусе маршрута 128 не работает.\n")
    document = ingest_bytes(message.as_bytes(), "appeal.eml")
    card = extract_card(document, Resources()).model_dump(mode="json")
    assert value(card, "channel") == "email"
    assert card["channel"]["source"] == "metadata"
    assert card["channel"]["needs_review"] is False
    applicant = value(card, "applicant")
    assert applicant["email"] == "chistyakova.v34@gmail.com"
    assert applicant["full_name"] == "Чистякова Валерия"


def test_empty_and_bodyless_documents_give_nulls_not_guesses():
    card = card_of("…\n")
    for field in ("outgoing_number", "outgoing_date", "correspondent", "applicant", "signatory", "topic"):
        assert card[field] is None


def test_caller_channel_metadata_wins():
    card = card_of("Письмо без признаков канала.\n", channel="medo")
    assert value(card, "channel") == "medo"
    assert card["channel"]["source"] == "metadata"
    assert card["channel"]["confidence"] == 1.0
    assert card["channel"]["needs_review"] is False


# --- the organisation directory --------------------------------------------------------------------------


def test_directory_matches_by_inn_abbreviation_and_fuzzy_name(directory):
    assert directory.find_in_text("ИНН 7451000001\nписьмо").organisation.id == "org-gov"
    assert directory.match_name("Минстрой Челябинской области").organisation.id == "org-min"
    assert directory.match_name("Прокуратура Советского раиона г.Челябинска").organisation.id == "org-pros"
    assert directory.match_name("Министерство здравоохранения Республики Тыва") is None


def test_refpartners_jsonl_and_xml_import(tmp_path):
    rows = [
        {
            "id": "ROOT",
            "name": "Организации",
            "full_name": "",
            "parent_id": None,
            "depth": 0,
            "attributes": {},
        },
        {
            "id": "B1",
            "name": " ",
            "full_name": "",
            "parent_id": "ROOT",
            "depth": 1,
            "attributes": {"Name": " "},
        },
        {
            "id": "A1",
            "name": "Прокуратура Челябинской области",
            "full_name": "",
            "parent_id": "ROOT",
            "depth": 1,
        },
        {
            "id": "A2",
            "name": "Прокуратура Челябинской области",
            "full_name": "",
            "parent_id": "ROOT",
            "depth": 1,
        },
    ]
    jsonl = tmp_path / "orgs.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    d = read_directory(jsonl)
    assert [o.id for o in d.organisations] == ["A1", "A2"]  # root folder and blank names dropped
    assert d.match_name("прокуратура челябинской области").organisation.id == "A1"

    xml = tmp_path / "orgs.xml"
    xml.write_text(
        '<?xml version="1.0" encoding="utf-8"?><RefPartners><Companies>'
        '<Row RowID="X1" Name="Законодательное Собрание Челябинской области" INN="7453000000"/>'
        '<Row RowID="X2" Name=" "/></Companies></RefPartners>',
        encoding="utf-8",
    )
    d = read_directory(xml)
    assert len(d) == 1
    assert d.find_in_text("ИНН 7453000000").organisation.id == "X1"
    assert (
        d.match_name("ЗСЧО") is not None
        or d.match_name("Законодательное собрание Челябинской обл.") is not None
    )


def test_bad_directory_files_raise_input_errors(tmp_path):
    with pytest.raises(InputError):
        read_directory(tmp_path / "missing.csv")
    broken = tmp_path / "broken.xml"
    broken.write_text("<RefPartners><Row", encoding="utf-8")
    with pytest.raises(InputError):
        read_directory(broken)
    empty = tmp_path / "empty.csv"
    empty.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(InputError):
        read_directory(empty)
    odd = tmp_path / "orgs.pdf"
    odd.write_bytes(b"%PDF")
    with pytest.raises(InputError):
        read_directory(odd)


def test_load_directory_uses_settings_then_the_demo_world(tmp_path, monkeypatch):
    from docket.settings import Settings

    assert load_directory(Settings(home=tmp_path)) is None
    demo = Settings(home=tmp_path).demo_world_dir
    demo.mkdir(parents=True)
    (demo / "organisations.csv").write_text(ORGS_CSV, encoding="utf-8")
    assert len(load_directory(Settings(home=tmp_path))) == 3
    other = tmp_path / "other.csv"
    other.write_text("id,name\nz1,Дума города\n", encoding="utf-8")
    assert len(load_directory(Settings(home=tmp_path, directory_path=other))) == 1


def test_dates_parse_russian_forms():
    from pipeline.card.nlp import parse_date

    assert parse_date("12 апреля 2024 года") == dt.date(2024, 4, 12)
    assert parse_date("«04» февраля 2025 г.") == dt.date(2025, 2, 4)
    assert parse_date("14.03.2024") == dt.date(2024, 3, 14)
    assert parse_date("01-12/3456") is None


def test_directory_import_command_writes_the_csv_the_card_loads(tmp_path, monkeypatch):
    from docket.settings import Settings
    from pipeline.card.cli import directory_import

    source = tmp_path / "orgs.jsonl"
    rows = [
        {"id": "A1", "name": "Прокуратура Челябинской области", "parent_id": "R", "depth": 1},
        {"id": "B1", "name": " ", "parent_id": "R", "depth": 1},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    settings = Settings(home=tmp_path / "home")
    target = tmp_path / "home" / "data" / "directory.csv"
    directory_import(source, out=target)
    loaded = load_directory(settings)
    assert [o.id for o in loaded.organisations] == ["A1"]


def test_appeal_summary_from_what_it_is_about_not_from_a_closing_request():
    from pipeline.card.found import Found
    from pipeline.card.summary import appeal_summary, topic_summary

    text = (
        "Коллективное обращение жителей района о доступности медицинской помощи.\n"
        "Участковый терапевт не принимает.\nПрошу принять меры и дать письменный ответ.\n"
    )
    assert appeal_summary(text).value == "О доступности медицинской помощи"
    assert appeal_summary("Врача нет.\nПрошу принять меры и дать письменный ответ.\n") is None
    assert "отопления" in appeal_summary("Обращаюсь по воппросу отсутствия отопления в доме.\n").value
    topic = Found({"code": "T1", "name": "Ремонт водопроводных сетей"}, 0, 0, "model", 0.8)
    assert topic_summary(topic).value == "О ремонте водопроводных сетей"
    assert topic_summary(None) is None


def test_appeal_kind_from_its_own_heading_line():
    from pipeline.card.kind import appeal_kind

    found = appeal_kind("Главе города\nот Иванова И.И.\nЖАЛОБА\nНа работу управляющей компании.\n", None)
    assert (found.value, found.rule) == ("жалоба", "heading")
    assert appeal_kind("Прошу рассмотреть моё заявление о ремонте.\n", None).rule != "heading"


def test_page_count_of_a_text_is_its_form_feed_pages():
    one = extract_card(ingest_text("О ремонте кровли\nТекст письма на одной странице.\n"))
    assert one.page_count.value == 1
    two = extract_card(ingest_text("О ремонте кровли\nПервая страница.\n\fВторая страница.\n\f"))
    assert two.page_count.value == 2  # a trailing form feed opens no page


def test_a_short_name_becomes_the_full_name_the_letter_gives_elsewhere():
    text = (
        "Fwd: аварии на коллекторе\n09.02.2025, 17:31, Инна Баранова (baranova.i29@yandex.ru):\n"
        "Просим провести капитальный ремонт коллектора.\nБаранова Инна Степановна\n"
    )
    card = extract_card(ingest_text(text))
    assert card.applicant.value.full_name == "Баранова Инна Степановна"
    # another first name is another person: the short form stays
    other = text.replace("Баранова Инна Степановна", "Баранова Ольга Степановна")
    assert extract_card(ingest_text(other)).applicant.value.full_name == "Баранова Инна"


def test_a_stray_ocr_mark_between_a_label_and_the_name():
    text = "Обращение № 5518594\nИнформация о гражданине\nФИО гражданина:\n1\nТретьякова Дарья Олеговна\n"
    assert extract_card(ingest_text(text)).applicant.value.full_name == "Третьякова Дарья Олеговна"


def test_a_subject_that_only_names_the_form_is_no_summary():
    from pipeline.card.summary import subject_label

    assert subject_label("Тема: (Без темы);\nтекст") is None
    assert subject_label("Тема: Обращение;\nтекст") is None
    assert subject_label("Тема: Стоимость проезда;\n").value.startswith("Стоимость проезда")


def test_a_form_names_its_addressee_in_a_field_an_e_mail_in_an_address():
    from pipeline.card.header import addressee

    form = (
        "Платформа обратной связи (ПОС)\nСообщение № 923/24\n"
        "Орган власти, адресат: Губернатор Челябинской области Калашникова Л.О.\nАвтор: Шарапов Мариан\n"
    )
    assert addressee(form).value["name"] == "Калашникова Л.О."
    assert addressee("Fwd: Обращение\nКому: Управление по работе с обращениями <pusta@example.ru>\n") is None


def test_a_printouts_own_number_and_date_fields():
    from pipeline.card.header import outgoing

    card = "Единый контакт-центр\nКарточка обращения № 5019951\nДата и время звонка: 02.10.2024 10:17\nОператор: Маркова А.И.\n"
    number, date = outgoing(card)
    assert (number.value, date.value) == ("5019951", dt.date(2024, 10, 2))
    portal = (
        "Электронное обращение\nРегистрационный номер на портале: 866/24\nДата подачи: 12 августа 2024 г.\n"
    )
    number, date = outgoing(portal)
    assert (number.value, date.value) == ("866/24", dt.date(2024, 8, 12))
    # a creation time whose year OCR cut off is no date
    assert outgoing("Обращение № 5512019\nДата создания: 02:55 17.01.2\n")[1] is None


def test_a_forwarding_covers_subject_is_not_the_appeals_summary():
    from pipeline.card.summary import summary

    text = (
        "О направлении обращения Калашниковой Ии Тимуровны\n"
        "Направляем по компетенции обращение Калашниковой Ии Тимуровны (kalasnikova.i16@gmail.com) о пособии"
        " по безработице для рассмотрения и ответа заявителю.\n"
    )
    assert summary(text, is_appeal=True).value == "О пособии по безработице"
    assert summary("О направлении обращения Иванова И.И.\nНаправляем обращение.\n", is_appeal=True) is None


def test_page_count_of_an_e_mail_is_its_attached_letters_and_of_a_docx_an_estimate():
    from pipeline.card import CHARS_PER_PAGE, _page_count
    from pipeline.document import Document, Page

    mail = Document(
        id="m",
        media_type="message/rfc822",
        pages=[
            Page(1, "Письмо во вложении."),
            Page(2, "стр. 1", origin="a.pdf"),
            Page(3, "стр. 2", origin="a.pdf"),
        ],
    )
    assert _page_count(mail).value == 2
    long_docx = Document(
        id="d",
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        pages=[Page(1, "слово " * (CHARS_PER_PAGE // 3))],
    )
    found = _page_count(long_docx)
    assert (found.value, found.rule) == (2, "length_estimate")


def test_the_addressee_of_a_letter_under_a_covering_note():
    from pipeline.card.header import addressee

    text = (
        "Уважаемые коллеги!\nПросим рассмотреть прилагаемое письмо.\nС уважением,\nприемная\n\n"
        "ООО «Меридиан»\n456304, г. Челябинск, ш. Нефтяников, д. 94\n№ ОМ-244/24 от 12 января 2024 г.\n\n"
        "Заместителю Губернатора Челябинской области\nАвдееву М.Д.\n\nО бесхозяйных объектах\n"
        "Рассмотрев Ваше письмо, информируем.\n"
    )
    assert addressee(text).value["name"] == "Авдеев М.Д."


def test_an_address_a_narrow_column_wrapped_is_read_whole():
    from pipeline.card.applicant import applicant

    text = (
        "Губернатору\nЧелябинской области\n\nот Никитина Автонома Ефимовича\n454719, с. Катав-Ивановск, наб.\n"
        "Зои Космодемьянской, д. 84, кв.\n215\nт. 8-939-867-18-28\n\nЗаявление\nПрошу помочь.\n"
    )
    assert (
        applicant(text).value["address"]
        == "454719, с. Катав-Ивановск, наб. Зои Космодемьянской, д. 84, кв. 215"
    )
    labelled = "от Лобановой Жанны Яковлевны\nпроживающей по адресу: 454564, с.\nУвельский, наб. Красноармейская,\nд. 71, кв. 239\nТ. +7 958 456-76-30\n"
    assert (
        applicant(labelled).value["address"] == "454564, с. Увельский, наб. Красноармейская, д. 71, кв. 239"
    )


def test_a_directory_csv_with_doubled_quotes_keeps_its_columns(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_text(
        # the first rows (all the separator sniffer reads) have no doubled quotes, later ones do
        "org_id,full_name,short_name,variants,kind,inn,address\n"
        'ORG0,Правительство РФ,Правительство РФ,Правительство РФ,federal,7422076353,"126809, г. Москва"\n'
        'ORG1,Общество «Челябтех»,ООО «Челябтех»,"ООО ""Челябтех"";Челябтех, ООО",company,7472894499,"г. Копейск"\n'
        'ORG2,Акционерное общество «Урал»,АО «Урал»,"АО ""Урал""",company,7435862611,"г. Миасс"\n',
        encoding="utf-8",
    )
    directory = read_directory(path)
    assert set(directory.by_inn) == {"7422076353", "7472894499", "7435862611"}
    assert "Челябтех, ООО" in directory.by_inn["7472894499"].variants
