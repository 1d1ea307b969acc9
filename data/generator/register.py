"""The historical register: letters over the years with their card fields, links and decisions.

Phase 1 draws letters in date order (primaries, then the letters they spawn: duplicates, repeat appeals,
collective copies, look-alike reports); phase 2 sorts them, numbers them as the clerk would, and assigns
executors and resolutions in date order, so workload, absences and turnover act as they happened.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from data.generator import phrases as P
from data.generator import phrases_forms as PF
from data.generator import phrases_long as PL
from data.generator.assign import Assigner
from data.generator.calendar import (
    add_working_days,
    format_date,
    is_working_day,
    next_working_day,
    working_days,
)
from data.generator.layout import layout, paged_text, paginate
from data.generator.letters import (
    Block,
    Letter,
    base_slots,
    citizen_letter,
    elaborate_citizen,
    elaborate_org,
    o_about,
    org_letter,
    paragraphs,
    period_text,
    webform_letter,
)
from data.generator.orgs import MUNICIPALITIES, Org, _adj_gen, build_orgs, municipality_name, outgoing_number
from data.generator.packages import callcentre_letter, mail_printout, registration_card, upstream_cover
from data.generator.people import Person, PersonFactory
from data.generator.resolutions import Style, make_style, resolution_text
from data.generator.world import MANAGERS, World, build_world

KIND_WEIGHTS = {
    "letter": 0.35,
    "citizen_appeal": 0.29,
    "collective_appeal": 0.008,
    "request": 0.08,
    "deputy_request": 0.04,
    "prosecutor_act": 0.03,
    "instruction": 0.06,
    "invitation": 0.05,
    "notification": 0.07,
    "other": 0.02,
}
CHANNELS = {
    "gov": {"medo": 0.55, "email": 0.25, "post": 0.14, "courier": 0.03, "fax": 0.03},
    "org": {"email": 0.48, "post": 0.34, "courier": 0.1, "fax": 0.08},
    "citizen": {"web_form": 0.31, "email": 0.2, "post": 0.3, "in_person": 0.07, "platform": 0.12},
    "forward": {"medo": 0.5, "email": 0.25, "post": 0.25},
    "instruction": {"medo": 0.7, "email": 0.2, "post": 0.1},
}
GOV_KINDS = {"federal", "federal_office", "regional", "regional_ministry", "regional_agency", "municipality",
             "municipal_council", "municipal_dept", "prosecutor", "court", "legislature"}  # fmt: skip
FORWARDERS = ("federal", "legislature", "prosecutor", "municipality", "federal_office", "regional")
CITIZEN_SECTIONS = {"0005": 0.45, "0003": 0.2, "0002": 0.22, "0004": 0.08, "0001": 0.05}
MAIL_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru"]
LAT = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "abvgdeejziiklmnoprstufhccss_y_eua")

COLUMNS = [
    "doc_id", "reg_number", "reg_date", "channel", "doc_kind", "appeal_kind", "correspondent_id",
    "correspondent_name", "correspondent_variant", "outgoing_number", "outgoing_date", "reply_to_number",
    "reply_to_date", "reply_to_doc_id", "addressee", "addressee_id", "signatory_name", "signatory_position",
    "sender_contact_name", "sender_contact_phone", "sender_contact_email", "applicant_full_name",
    "applicant_email", "applicant_phone", "applicant_address", "forwarded_by_id", "forwarded_by_name",
    "topic_code", "topic_name", "subject", "summary", "page_count", "attachment_sheets", "text",
    "resolution_author_id", "resolution_text", "resolution_kind", "executor_id", "executor_unit_id",
    "coexecutor_ids", "deadline", "oracle_executor_id", "duplicate_of", "repeat_of", "collective_group",
    "lookalike_of", "layout", "lookalike_kind", "package",
]  # fmt: skip
INT_COLUMNS = ("page_count", "attachment_sheets")


@dataclass
class Citizen:
    person: Person
    address: str
    street: str
    phone: str
    email: str


@dataclass
class Draft:
    key: int
    day: dt.date
    kind: str
    channel: str
    topic: object
    letter: Letter
    fields: dict[str, str | int] = field(default_factory=dict)
    links: dict[str, int] = field(
        default_factory=dict
    )  # duplicate_of / repeat_of / lookalike_of / reply_to_doc_id
    addressee_key: str = "GOV"
    res_kind: str = "info"
    explicit_deadline: dt.date | None = None
    citizen: Citizen | None = None


def page_count(letter: Letter) -> int:
    return len(layout([(b.name, b.text) for b in letter.blocks], letter.layout))


class Generator:
    def __init__(self, seed: int, years: int, per_year: int, end: dt.date = dt.date(2025, 12, 31)):
        self.seed, self.years, self.per_year, self.end = seed, years, per_year, end
        self.start = dt.date(end.year - years + 1, 1, 1)
        self.rng = random.Random(f"{seed}:register")
        self.world: World = build_world(seed, self.start, end)
        self.people = PersonFactory(seed + 1)
        self.orgs: list[Org] = build_orgs(seed, self.people.fake)
        self.by_kind: dict[str, list[Org]] = {}
        for org in self.orgs:
            self.by_kind.setdefault(org.kind, []).append(org)
        self.org_weight = {o.org_id: 1.0 / (1 + i % 50) ** 0.7 for i, o in enumerate(self.orgs)}
        theme_names = sorted({t.theme for t in self.world.topics})
        self.org_home = {o.org_id: self.rng.sample(theme_names, 2) for o in self.orgs}
        for kind, theme in (
            ("school", "Образование"),
            ("kindergarten", "Образование"),
            ("hospital", "Здравоохранение"),
        ):
            for o in self.by_kind.get(kind, []):
                self.org_home[o.org_id] = [theme]
        srng = random.Random(f"{seed}:styles")
        self.styles: dict[str, Style] = {}
        for seat in self.world.managers.values():
            for t in seat.tenures:
                self.styles[t.staff_id] = make_style(srng, theme_names)
        self.topics_by_theme: dict[str, list] = {}
        for t in self.world.topics:
            self.topics_by_theme.setdefault(t.theme, []).append(t)
        self.org_counters: dict[tuple[str, int], int] = {}
        self.org_history: dict[str, list[Draft]] = {}
        self.drafts: list[Draft] = []
        self.keyseq = 0
        self.forward_reg = 0
        self._pick_cache: dict[int, tuple] = {}
        self._forced = False
        self._org_cache: dict[tuple, tuple] = {}
        self._org_by_id = {o.org_id: o for o in self.orgs}

    # --- helpers -------------------------------------------------------------------------------------------
    def pick(self, weights: dict[str, float]) -> str:
        cached = self._pick_cache.get(id(weights))
        if cached is None:
            keys = list(weights)
            cached = self._pick_cache[id(weights)] = (
                keys,
                list(itertools.accumulate(weights[k] for k in keys)),
            )
        return self.rng.choices(cached[0], cum_weights=cached[1])[0]

    def pick_org(self, kinds: tuple[str, ...]) -> Org:
        cached = self._org_cache.get(kinds)
        if cached is None:
            pool = [o for k in kinds for o in self.by_kind.get(k, [])]
            cum = list(itertools.accumulate(self.org_weight[o.org_id] for o in pool))
            cached = self._org_cache[kinds] = (pool, cum)
        return self.rng.choices(cached[0], cum_weights=cached[1])[0]

    def pick_topic(self, org: Org | None, citizen: bool = False):
        if org is not None and self.rng.random() < 0.75:
            theme = self.rng.choice(self.org_home[org.org_id])
            return self.rng.choice(self.topics_by_theme[theme])
        if citizen:
            section = self.pick(CITIZEN_SECTIONS)
            pool = [t for t in self.world.topics if t.section_code == section]
            return self.rng.choice(pool)
        return self.rng.choice(self.world.topics)

    def manager(self, key: str, day: dt.date) -> tuple[str, Person, str, str]:
        seat = self.world.managers[key]
        sid = seat.occupant(day) or seat.tenures[-1].staff_id
        position = next(m for m in MANAGERS if m[0] == key)
        return sid, self.world.staff[sid].person, position[1], position[2]

    def supervisor_key(self, topic, day: dt.date) -> str:
        from data.generator.world import unit_at

        return self.world.units[unit_at(self.world, topic, day)[0]].supervisor

    def addressee_lines(self, key: str, day: dt.date) -> tuple[list[str], str, str]:
        sid, person, _, dative_pos = self.manager(key, day)
        style = self.rng.randrange(3)
        if style == 0:
            lines = [dative_pos, person.dative_front()]
        elif style == 1:
            lines = [dative_pos, person.dative_short()]
        else:
            lines = [
                dative_pos.replace(" Челябинской области", "\nЧелябинской области"),
                person.dative_front(),
            ]
        return lines, person.short, sid

    def addressee_nominative(self, key: str, day: dt.date) -> str:
        _, person, position, _ = self.manager(key, day)
        return f"{position} {person.short}"

    def out_number(self, org: Org, day: dt.date) -> tuple[str, str]:
        k = (org.org_id, day.year)
        n = self.org_counters.get(k, self.rng.randint(5, 400)) + self.rng.randint(1, 40)
        self.org_counters[k] = n
        return outgoing_number(org, n, day.year, self.rng), format_date(day, org.date_style)

    def sent_date(self, reg: dt.date, gov: bool) -> dt.date:
        lag = self.rng.choice([0, 1, 1, 2, 3, 5, 7]) if gov else self.rng.randint(1, 12)
        d = reg - dt.timedelta(days=lag)
        while not is_working_day(d):
            d -= dt.timedelta(days=1)
        return d

    def contact(self, org: Org) -> tuple[str, str, str]:
        p = self.people.person(self.rng)
        domain = org.email.split("@")[1]
        local = p.last.lower().translate(LAT).replace("_", "")
        style = self.rng.randrange(3)
        name = (p.short, p.full, f"{p.last} {p.first}")[style]
        phone = self.rng.choice([f"8 {org.phone}", f"+7 {org.phone}", org.phone.split(" ", 1)[1]])
        return name, phone, f"{local}@{domain}"

    def signatory(self, org: Org) -> tuple[str, str, Person]:
        p = self.people.person(self.rng, min_age=35)
        position = org.head_position
        if self.rng.random() < 0.2 and not position.startswith(("Глава", "Прокурор")):
            position = "Заместитель " + position[0].lower() + position[1:]
        elif self.rng.random() < 0.1 and position.startswith("Прокурор"):
            position = "Заместитель прокурора"
        return position, p.short_front, p

    def citizen(self) -> Citizen:
        p = self.people.person(self.rng)
        adj, centre, centre_gen, kind = self.rng.choices(
            MUNICIPALITIES, [40] + [3] * 4 + [1] * (len(MUNICIPALITIES) - 5)
        )[0]
        street = self.people.fake.street_name()
        house = self.rng.randint(1, 120)
        flat = self.rng.randint(1, 240)
        prefix = "г." if kind == "go" else "с."
        address = f"{self.rng.randint(454000, 457699)}, {prefix} {centre}, {street}, д. {house}, кв. {flat}"
        if self.rng.random() < 0.3:
            address = f"{prefix} {centre}, {street} {house}-{flat}"
        digits = f"9{self.rng.randint(10, 99)}{self.rng.randint(1000000, 9999999)}"
        phone = self.rng.choice(
            [f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}", f"8{digits}",
             f"8-{digits[:3]}-{digits[3:6]}-{digits[6:8]}-{digits[8:]}", f"8 ({digits[:3]}) {digits[3:6]} {digits[6:8]} {digits[8:]}"]
        )  # fmt: skip
        local = f"{p.last.lower().translate(LAT).replace('_', '')}.{p.first[0].lower().translate(LAT)}{self.rng.randint(1, 99)}"
        email = f"{local}@{self.rng.choice(MAIL_DOMAINS)}"
        return Citizen(p, address, f"{street}, д. {house}", phone, email)

    def place(self, org: Org | None) -> dict[str, str]:
        m = next((m for m in MUNICIPALITIES if org and m[1] == org.municipality), None) or self.rng.choice(
            MUNICIPALITIES
        )
        adj, _, _, kind = m
        gen = municipality_name(adj, kind)
        prep_adj = _adj_gen(adj)[:-3] + "ом"
        prep = f"{prep_adj} {'городском округе' if kind == 'go' else 'муниципальном районе'}"
        return {"nom": f"Администрация {gen}", "gen": gen, "prep": prep}

    def new_key(self) -> int:
        self.keyseq += 1
        return self.keyseq

    # --- letters -------------------------------------------------------------------------------------------
    def org_draft(self, day: dt.date, kind: str) -> Draft:
        rng = self.rng
        kinds = {
            "letter": ("municipality", "municipality", "regional_ministry", "regional_agency", "federal_office",
                       "company", "company", "company", "ngo", "school", "hospital", "municipal_council",
                       "municipal_dept", "institution", "kindergarten", "federal", "court"),
            "request": ("federal_office", "federal", "regional", "prosecutor", "municipality", "regional_ministry"),
            "instruction": ("federal",),
            "invitation": ("regional_ministry", "federal_office", "ngo", "company", "municipality", "regional"),
            "notification": ("federal_office", "company", "municipality", "regional_agency", "court"),
            "prosecutor_act": ("prosecutor",),
            "deputy_request": ("legislature",),
            "other": ("company", "ngo", "municipality", "school"),
        }[kind]  # fmt: skip
        org = self.pick_org(kinds)
        if kind == "deputy_request":
            org = self.rng.choice(
                [o for o in self.by_kind["legislature"] if o.short_name in ("ЗСО", "Государственная Дума")]
            )
        topic = self.pick_topic(org)
        gov = org.kind in GOV_KINDS
        channel = self.pick(CHANNELS["instruction" if kind == "instruction" else "gov" if gov else "org"])
        sent = self.sent_date(day, gov)
        number, date_text = self.out_number(org, sent)
        variant = rng.choice(org.variants) if rng.random() < 0.4 else rng.choice(org.variants[:2])
        if rng.random() < 0.3:  # letterheads are often set in capitals
            variant = variant.upper()
        slots = base_slots(rng, topic, day, self.place(org))
        if kind == "instruction":
            addr_key = rng.choice(["GOV", "GOV", "CHAIR"])
        elif rng.random() < 0.45:
            addr_key = rng.choice(["GOV", "CHAIR"])
        else:
            addr_key = self.supervisor_key(topic, day)
        lines, addressee, addressee_id = self.addressee_lines(addr_key, day)
        position, sign_name, sign_person = self.signatory(org)
        title = None
        explicit = None
        res_kind = "consider_answer"
        if kind == "deputy_request":
            position = "Депутат " + ("Законодательного Собрания Челябинской области" if org.short_name == "ЗСО"
                                     else "Государственной Думы")  # fmt: skip
            title = rng.choice(["ДЕПУТАТСКИЙ ЗАПРОС", "Обращение депутата", None])
            body = paragraphs(rng, P.DEPUTY_BODIES, slots, 1) + paragraphs(rng, P.ORG_MIDDLE, slots, 2)
            body += paragraphs(rng, P.DEPUTY_CLOSINGS, slots, 1)
        elif kind == "prosecutor_act":
            title = rng.choice(P.PROSECUTOR_TITLES)
            body = paragraphs(rng, P.PROSECUTOR_BODIES, slots, 1) + paragraphs(rng, P.ORG_MIDDLE, slots, 1)
            closing = rng.randrange(2)
            body.append(P.PROSECUTOR_CLOSINGS[closing].format_map(slots))
            res_kind = "prosecutor"
            explicit = add_working_days(day, 5) if closing == 1 else day + dt.timedelta(days=30)
        elif kind in ("request", "instruction"):
            due = add_working_days(day, rng.randint(5, 25))
            slots["deadline"] = format_date(due, rng.choice([0, 4]))
            bank = P.REQUEST_BODIES if kind == "request" else P.INSTRUCTION_BODIES
            body = paragraphs(rng, P.ORG_MIDDLE, slots, rng.randint(1, 3)) + paragraphs(rng, bank, slots, 1)
            res_kind = "report"
            explicit = due
        elif kind == "invitation":
            event = add_working_days(day, rng.randint(3, 20))
            slots["event"] = format_date(event, rng.choice([0, 1, 2]))
            slots["address"] = org.address
            body = paragraphs(rng, P.INVITATION_BODIES, slots, 1)
            if rng.random() < 0.5:
                body.append(rng.choice(["Просим до " + f"{add_working_days(day, 2):%d.%m.%Y}" +
                                        " сообщить состав участников.", "Повестка прилагается."]))  # fmt: skip
            res_kind = "participate"
            explicit = event
        elif kind == "notification":
            slots["event"] = format_date(add_working_days(day, rng.randint(1, 30)), 1)
            body = paragraphs(rng, P.NOTIFICATION_BODIES, slots, 1) + paragraphs(
                rng, P.ORG_MIDDLE, slots, rng.randint(0, 1)
            )
            res_kind = "info"
        elif kind == "other":
            body = [rng.choice([
                f"Выражаем благодарность за содействие в решении вопроса {o_about(topic.about)}.",
                f"Поздравляем с профессиональным праздником и благодарим за плодотворное сотрудничество в сфере «{topic.theme.lower()}».",
                "Направляем для сведения копию документа, поступившего в наш адрес.",
            ])]  # fmt: skip
            res_kind = "info"
        else:
            n_mid = rng.choice([2, 3, 3, 4, 5]) if rng.random() > 0.12 else rng.randint(9, 16)
            body = paragraphs(rng, P.ORG_OPENINGS, slots, 1) + [
                P.ORG_MIDDLE[i % len(P.ORG_MIDDLE)].format_map(slots)
                for i in rng.sample(range(len(P.ORG_MIDDLE) * 2), n_mid)
            ]
            body += paragraphs(rng, P.ORG_CLOSINGS, slots, 1)
            res_kind = rng.choice(["consider_answer", "consider_answer", "proposals", "work", "info"])
        body = elaborate_org(rng, slots, day, body, kind)
        subject = rng.choice([o_about(topic.about, True), o_about(topic.about, True), f"По вопросу {o_about(topic.about)}",
                              f"О направлении информации {o_about(topic.about)}"])  # fmt: skip
        if kind == "invitation":
            subject = rng.choice(
                ["О проведении совещания", "О приглашении", f"О совещании по вопросу {o_about(topic.about)}"]
            )
        reply = None
        reply_doc = None
        history = [d for d in self.org_history.get(org.org_id, []) if (day - d.day).days > 20]
        if (
            history
            and kind in ("letter", "request", "notification")
            and not self._forced
            and rng.random() < 0.35
        ):
            reply_doc = rng.choice(history[-10:])
            our_day = add_working_days(reply_doc.day, rng.randint(3, 15))
            if our_day < day:
                our_no = f"{rng.choice(['01', '02', '03', '04'])}/{our_day.timetuple().tm_yday * 14 + rng.randint(0, 13)}"
                reply = (our_no, format_date(our_day, rng.choice([0, 0, 1])))
                topic = reply_doc.topic
                subject = reply_doc.fields["subject"]
            else:
                reply_doc = None
        attachments = rng.choice([0, 0, 0, 1, 2, 3, 5, 12]) if kind != "invitation" else rng.choice([0, 1])
        greeting = None if rng.random() < 0.4 else self.manager(addr_key, day)[1].address_form()
        layout = "two_column" if rng.random() < 0.55 else "stacked"
        contact = self.contact(org)
        letter = org_letter(
            rng, kind=kind, org=org, org_name=variant, topic=topic, slots=slots, out_number=number,
            out_date=date_text, reply=reply, addressee_lines=lines, subject=subject,
            signatory=(position, sign_name), contact=contact, attachment_sheets=attachments,
            greeting=greeting, layout=layout, extra_body=body, title=title,
        )  # fmt: skip
        summary = subject if rng.random() < 0.6 else f"По вопросу: {topic.name[0].lower() + topic.name[1:]}"
        draft = Draft(
            self.new_key(), day, kind, channel, topic, letter, addressee_key=addr_key, res_kind=res_kind
        )
        draft.explicit_deadline = explicit
        draft.fields = {
            "correspondent_id": org.org_id, "correspondent_name": org.full_name, "correspondent_variant": variant,
            "outgoing_number": number, "outgoing_date": sent.isoformat(),
            "reply_to_number": reply[0] if reply else "", "reply_to_date": "",
            "addressee": addressee, "addressee_id": addressee_id,
            "signatory_name": sign_person.short, "signatory_position": position,
            "sender_contact_name": contact[0], "sender_contact_phone": contact[1], "sender_contact_email": contact[2],
            "subject": subject, "summary": summary, "attachment_sheets": attachments,
        }  # fmt: skip
        if reply:
            draft.fields["reply_to_date"] = our_day.isoformat()
            draft.links["reply_to_doc_id"] = reply_doc.key
        self.org_history.setdefault(org.org_id, []).append(draft)
        return draft

    def citizen_body(self, topic, citizen: Citizen, slots: dict, repeat: bool, day: dt.date) -> list[str]:
        rng = self.rng
        slots = dict(slots, applicant=citizen.person.full, address_short=citizen.street)
        first = rng.choice(P.REPEAT_OPENINGS if repeat else P.CITIZEN_OPENINGS).format_map(slots)
        if rng.random() < 0.12:  # a few lines and no more
            return (
                [first]
                + paragraphs(rng, P.CITIZEN_MIDDLE, slots, 1)
                + paragraphs(rng, P.CITIZEN_CLOSINGS, slots, 1)
            )
        body = [first] + paragraphs(rng, P.CITIZEN_MIDDLE, slots, rng.randint(2, 6))
        if rng.random() < 0.3:
            body.append(f"Проблема по адресу: {citizen.street}.")
        body += paragraphs(rng, P.CITIZEN_CLOSINGS, slots, 1)
        return elaborate_citizen(rng, slots, day, body)

    def appeal_kind(self) -> str:
        return self.rng.choices(["заявление", "жалоба", "предложение"], [0.7, 0.22, 0.08])[0]

    def with_kind_cue(self, body: list[str], appeal_kind: str, slots: dict) -> list[str]:
        """Most appeals say what they are (a complaint about someone's actions, a proposal, a request)."""
        if self.rng.random() < 0.15:
            return body
        cue = self.rng.choice(PL.KIND_CUES[appeal_kind]).format_map(slots)
        return body[:-1] + [cue] + body[-1:]

    def citizen_draft(self, day: dt.date, *, citizen: Citizen | None = None, topic=None, repeat: bool = False,
                      body: list[str] | None = None, kind: str = "citizen_appeal", signers: list[str] | None = None,
                      forward: bool | None = None, appeal_kind: str | None = None) -> Draft:  # fmt: skip
        rng = self.rng
        citizen = citizen or self.citizen()
        topic = topic or self.pick_topic(None, citizen=True)
        slots = base_slots(rng, topic, day, self.place(None))
        if body is None:
            appeal_kind = self.appeal_kind()
            body = self.with_kind_cue(
                self.citizen_body(topic, citizen, slots, repeat, day), appeal_kind, slots
            )
        appeal_kind = appeal_kind or self.appeal_kind()
        typo_rate = rng.choice([0.0, 0.005, 0.01, 0.02, 0.04])
        forward = (rng.random() < 0.25) if forward is None else forward
        addr_key = rng.choices(["GOV", "CHAIR", self.supervisor_key(topic, day)], [0.6, 0.1, 0.3])[0]
        lines, addressee, addressee_id = self.addressee_lines(addr_key, day)
        fields: dict = {
            "applicant_full_name": citizen.person.full, "applicant_email": citizen.email,
            "applicant_phone": citizen.phone, "applicant_address": citizen.address, "appeal_kind": appeal_kind,
            "addressee": addressee, "addressee_id": addressee_id, "attachment_sheets": 0,
        }  # fmt: skip
        short_name = topic.name[0].lower() + topic.name[1:]
        fields["summary"] = rng.choice(
            [
                f"По вопросу: {short_name}",
                o_about(topic.about, True),
                f"{o_about(topic.about, True)} по адресу: {citizen.street}",
            ]
        )
        fields["subject"] = ""
        channel = self.pick(CHANNELS["citizen"])
        if kind == "collective_appeal":
            channel = rng.choice(["post", "email", "in_person"])
        if channel in ("web_form", "platform") and not forward and kind == "citizen_appeal":
            self.forward_reg += 1
            portal = f"{self.forward_reg % 3000 + 1}/{day.year % 100:02d}"
            submitted = day - dt.timedelta(days=rng.randint(0, 2))
            if channel == "platform" and rng.random() < 0.65:  # call-centre and regional-centre cards
                portal = str(rng.randint(10**6, 10**7 - 1))
                letter = callcentre_letter(rng, number=portal, created=submitted, deadline=submitted + dt.timedelta(days=30),
                                           applicant=citizen.person, address=citizen.address if rng.random() < 0.7 else "",
                                           street=citizen.street, phone=citizen.phone, email=citizen.email, topic=topic,
                                           body=body, typo_rate=typo_rate, addressee=self.addressee_nominative(addr_key, day),
                                           operator=self.people.person(rng))  # fmt: skip
            else:
                letter = webform_letter(rng, portal_number=portal, submitted=submitted,
                                        applicant=citizen.person, address=citizen.address if rng.random() < 0.6 else "",
                                        phone=citizen.phone, email=citizen.email, topic=topic, body=body, typo_rate=typo_rate,
                                        addressee=self.addressee_nominative(addr_key, day), platform=channel == "platform")  # fmt: skip
            fields["outgoing_number"] = portal
            fields["outgoing_date"] = submitted.isoformat()
        else:
            letter = citizen_letter(rng, addressee_lines=lines, applicant=citizen.person, address=citizen.address,
                                    phone=citizen.phone, email=citizen.email if channel != "post" or rng.random() < 0.5 else "",
                                    appeal_kind=appeal_kind, body=body, day=day - dt.timedelta(days=rng.randint(1, 6)),
                                    typo_rate=typo_rate, signers=signers, email_shown=channel == "email")  # fmt: skip
        if channel == "email" and not forward and citizen.email and rng.random() < 0.35:
            subject = rng.choice(PF.MAIL_SUBJECTS).format(short=topic.name)
            letter = mail_printout(
                rng, letter, applicant=citizen.person, email=citizen.email, day=day, subject=subject
            )
        if forward and kind == "citizen_appeal":
            letter, channel = self.forward_cover(
                day, topic, citizen, letter, fields, slots, lines, body, typo_rate
            )
        draft = Draft(
            self.new_key(),
            day,
            kind,
            channel,
            topic,
            letter,
            addressee_key=addr_key,
            res_kind="answer_applicant",
        )
        fields["package"] = letter.package or "letter"
        draft.fields = fields
        draft.citizen = citizen
        return draft

    def forward_cover(self, day, topic, citizen: Citizen, appeal: Letter, fields: dict, slots: dict, lines,
                      body: list[str], typo_rate: float):  # fmt: skip
        rng = self.rng
        org = self.pick_org(FORWARDERS)
        sent = self.sent_date(day, True)
        number, date_text = self.out_number(org, sent)
        variant = rng.choice(org.variants[:3])
        appeal = self.forwarded_appeal(rng, day, topic, citizen, appeal, org, body, typo_rate)
        if rng.random() < 0.3:  # letterheads are often set in capitals
            variant = variant.upper()
        self.forward_reg += 1
        slots = dict(slots, applicant_gen=citizen.person.genitive_full(), forwarder_short=org.short_name,
                     applicant_contact=citizen.email if rng.random() < 0.5 else citizen.address,
                     forward_reg=f"{rng.randint(100, 99999)}")  # fmt: skip
        body = paragraphs(rng, P.FORWARD_BODIES, slots, 1)
        if rng.random() < 0.85:
            body.append(rng.choice(P.FORWARD_CLOSINGS))
        if rng.random() < 0.35:  # the forwarder's control marks: its own terms, not ours
            due = add_working_days(sent, rng.randint(10, 20))
            body.append(rng.choice(PF.FORWARD_CONTROL).format(due=format_date(due, 0),
                                                              due2=format_date(due + dt.timedelta(days=7), 0)))  # fmt: skip
        position, sign_name, sign_person = self.signatory(org)
        contact = self.contact(org)
        sheets = page_count(appeal)
        cover = org_letter(rng, kind="forward", org=org, org_name=variant, topic=topic, slots=slots,
                           out_number=number, out_date=date_text, reply=None, addressee_lines=lines,
                           subject=rng.choice(["О направлении обращения", f"О направлении обращения {citizen.person.genitive_full()}",
                                               "О рассмотрении обращения"]),
                           signatory=(position, sign_name), contact=contact, attachment_sheets=sheets,
                           greeting=None, layout="two_column" if rng.random() < 0.5 else "stacked", extra_body=body,
                           attachment_note=rng.choice([f"Приложение: на {sheets} л. в 1 экз.", f"Приложение: обращение на {sheets} л.",
                                                       f"Приложение: по тексту на {sheets} л."]))  # fmt: skip
        letter = Letter(blocks=cover.blocks + [Block("pagebreak", "\f")] + appeal.blocks, layout="forwarded",
                        hidden=cover.hidden | appeal.hidden, package=appeal.package)  # fmt: skip
        fields.update({
            "correspondent_id": org.org_id, "correspondent_name": org.full_name, "correspondent_variant": variant,
            "outgoing_number": number, "outgoing_date": sent.isoformat(), "forwarded_by_id": org.org_id,
            "forwarded_by_name": org.full_name, "signatory_name": sign_person.short, "signatory_position": position,
            "sender_contact_name": contact[0], "sender_contact_phone": contact[1], "sender_contact_email": contact[2],
            "attachment_sheets": sheets,
        })  # fmt: skip
        return letter, self.pick(CHANNELS["forward"])

    def forwarded_appeal(
        self, rng, day, topic, citizen: Citizen, appeal: Letter, org, body, typo_rate
    ) -> Letter:
        """What the forwarding body encloses: the citizen's letter, or its own printout of an electronic
        appeal, or a higher body's cover with that body's printout (the appeal went down two steps)."""
        u = rng.random()
        if u >= 0.5:
            appeal.package = "forwarded"
            return appeal
        upstream = rng.choice(PF.UPSTREAM_BODIES) if u < 0.3 else None
        received = day - dt.timedelta(days=rng.randint(8, 25) if upstream else rng.randint(2, 7))
        received_number = str(rng.randint(1000, 999999))
        card = registration_card(rng, body_name=upstream[2] if upstream else org.short_name,
                                 received_at=upstream[3] if upstream else org.short_name,
                                 addressed_to=upstream[4][0] if upstream else rng.choice(["руководитель", "не указан"]),
                                 number=received_number, day=received, applicant=citizen.person,
                                 address=citizen.address if rng.random() < 0.5 else "",
                                 phone=citizen.phone if rng.random() < 0.7 else "", email=citizen.email, body=body,
                                 typo_rate=typo_rate)  # fmt: skip
        if upstream is None:
            card.package = "forwarded_card"
            return card
        sent = add_working_days(received, rng.randint(1, 4))
        number = rng.choice([f"А26-05-{rng.randint(10**6, 10**7)}", f"П{rng.randint(10, 99)}-{rng.randint(1000, 99999)}",
                             f"{rng.randint(1, 9)}.{rng.randint(10, 99)}-{rng.randint(1000, 99999)}"])  # fmt: skip
        cover = upstream_cover(rng, body=upstream, addressee=org.short_name, applicant_gen=citizen.person.genitive_full(),
                               contact=citizen.email if rng.random() < 0.6 else citizen.address, question=topic.name,
                               number=number, sent=sent, received=received, received_number=received_number,
                               signer=self.people.person(rng), sheets=page_count(card))  # fmt: skip
        return Letter(blocks=cover.blocks + [Block("pagebreak", "\f")] + card.blocks, layout="stacked",
                      hidden=set(card.hidden), package="forwarded_two_step")  # fmt: skip

    # --- derived letters ------------------------------------------------------------------------------------
    def duplicate(self, orig: Draft) -> Draft | None:
        rng = self.rng
        day = add_working_days(orig.day, rng.randint(0, 6))
        if day > self.end:
            return None
        alt = {"email": ["post", "medo"], "post": ["email", "fax"], "medo": ["email"], "web_form": ["email"],
               "fax": ["post"], "courier": ["email"], "in_person": ["post"], "platform": ["email"]}[orig.channel]  # fmt: skip
        if (
            "applicant_email" in orig.letter.hidden
        ):  # a citizen who gave no e-mail does not send a copy by e-mail
            alt = [c for c in alt if c != "email"] or ["post"]
        letter = Letter(blocks=[Block(b.name, b.text) for b in orig.letter.blocks], layout=orig.letter.layout,
                        hidden=set(orig.letter.hidden))  # fmt: skip
        fields = dict(orig.fields)
        if orig.fields.get("correspondent_id") and rng.random() < 0.3:  # re-sent with a new number and date
            org = self._org_by_id[orig.fields["correspondent_id"]]
            sent = self.sent_date(day, True)
            number, date_text = self.out_number(org, sent)
            for b in letter.blocks:
                if b.name == "regline":
                    b.text = b.text.replace(str(orig.fields["outgoing_number"]), number, 1)
                    old = format_date(
                        dt.date.fromisoformat(str(orig.fields["outgoing_date"])), org.date_style
                    )
                    b.text = b.text.replace(old, date_text, 1)
                    break
            fields["outgoing_number"], fields["outgoing_date"] = number, sent.isoformat()
        d = Draft(self.new_key(), day, orig.kind, rng.choice(alt), orig.topic, letter, fields,
                  {"duplicate_of": orig.key, **{k: v for k, v in orig.links.items() if k == "reply_to_doc_id"}}, orig.addressee_key, orig.res_kind, orig.explicit_deadline)  # fmt: skip
        return d

    def repeat(self, orig: Draft) -> Draft | None:
        day = next_working_day(orig.day + dt.timedelta(days=self.rng.randint(21, 150)))
        if day > self.end:
            return None
        d = self.citizen_draft(day, citizen=orig.citizen, topic=orig.topic, repeat=True, forward=False)
        d.links["repeat_of"] = orig.key
        return d

    def collective(self, day: dt.date) -> list[Draft]:
        rng = self.rng
        topic = self.pick_topic(None, citizen=True)
        first = self.citizen()
        slots = base_slots(rng, topic, day, self.place(None))
        slots["house"] = first.street
        body = [rng.choice(P.COLLECTIVE_OPENINGS).format_map(slots)] + paragraphs(
            rng, P.CITIZEN_MIDDLE, slots, 3
        )
        body += paragraphs(rng, P.CITIZEN_CLOSINGS, slots, 1)
        body = elaborate_citizen(rng, slots, day, body)
        appeal_kind = self.appeal_kind()
        body = self.with_kind_cue(body, appeal_kind, slots)
        out = []
        for i in range(rng.randint(2, 5)):
            c = first if i == 0 else self.citizen()
            signers = [c.person.short] + [self.people.person(rng).short for _ in range(rng.randint(2, 8))]
            d_day = add_working_days(day, rng.randint(0, 8))
            if d_day > self.end:
                continue
            d = self.citizen_draft(d_day, citizen=c, topic=topic, body=body, kind="collective_appeal",
                                   signers=signers, forward=False, appeal_kind=appeal_kind)  # fmt: skip
            out.append(d)
        for d in out:
            d.fields["collective_group"] = f"CG{out[0].key:06d}"
        return out

    def lookalike(self, orig: Draft) -> Draft | None:
        """The same sender's next periodic report on the same topic: similar, but not a duplicate."""
        day = next_working_day(orig.day + dt.timedelta(days=self.rng.randint(25, 40)))
        if day > self.end:
            return None
        d = self.report(day, orig)
        d.links["lookalike_of"] = orig.key
        d.fields["lookalike_kind"] = "report"
        return d

    def report(self, day: dt.date, prev: Draft | None = None) -> Draft:
        rng = self.rng
        if prev is None:
            d = self.org_draft(day, "letter")
        else:
            org = self._org_by_id[prev.fields["correspondent_id"]]
            d = self.org_draft_for(org, day, prev.topic)
        slots = base_slots(rng, d.topic, day, self.place(None))
        period, _ = period_text(rng, day)
        slots["period"] = period
        subject = (
            rng.choice(P.REPORT_SUBJECTS).format_map(slots)
            if prev is None
            else prev.fields["report_tpl"].format_map(slots)
        )
        for b in d.letter.blocks:
            if b.name == "subject":
                b.text = subject
            if b.name == "body":
                b.text = "\n".join(paragraphs(rng, P.REPORT_BODIES, slots, 2))
        d.fields["subject"] = subject
        d.fields["summary"] = subject
        d.fields["report_tpl"] = (
            prev.fields["report_tpl"]
            if prev
            else next(t for t in P.REPORT_SUBJECTS if t.format_map(slots) == subject)
        )
        d.res_kind = "info"
        return d

    def follow_up(self, orig: Draft) -> Draft | None:
        """Hard negative: the same sender on the same topic again, «В дополнение к письму от … №» or a reminder
        of an unanswered request, citing the earlier letter's number and date: similar, not a duplicate."""
        rng = self.rng
        day = next_working_day(orig.day + dt.timedelta(days=rng.randint(5, 45)))
        if day > self.end:
            return None
        org = self._org_by_id[str(orig.fields["correspondent_id"])]
        reminder = orig.kind == "request" and rng.random() < 0.6
        d = self.org_draft_for(org, day, orig.topic, "request" if reminder else orig.kind)
        sent = dt.date.fromisoformat(str(orig.fields["outgoing_date"]))
        lead = rng.choice(PL.REMINDER_OPENINGS if reminder else PL.FOLLOWUP_OPENINGS).format(
            date=format_date(sent, rng.choice([0, 0, 1, org.date_style])),
            number=orig.fields["outgoing_number"],
            o_about=o_about(orig.topic.about),
        )
        same_subject = rng.random() < 0.5
        for b in d.letter.blocks:
            if b.name == "body":
                b.text = lead + "\n" + b.text
            elif b.name == "subject" and same_subject:
                if d.fields["summary"] == d.fields["subject"]:
                    d.fields["summary"] = orig.fields["subject"]
                b.text = d.fields["subject"] = orig.fields["subject"]
        d.links["lookalike_of"] = orig.key
        d.fields["lookalike_kind"] = "reminder" if reminder else "follow_up"
        return d

    def other_question(self, orig: Draft) -> Draft | None:
        """Hard negative: the same citizen writes about another question, weeks later."""
        day = next_working_day(orig.day + dt.timedelta(days=self.rng.randint(7, 120)))
        if day > self.end:
            return None
        topic = self.pick_topic(None, citizen=True)
        while topic.code == orig.topic.code:
            topic = self.pick_topic(None, citizen=True)
        d = self.citizen_draft(day, citizen=orig.citizen, topic=topic, forward=False)
        d.links["lookalike_of"] = orig.key
        d.fields["lookalike_kind"] = "same_applicant"
        return d

    def org_draft_for(self, org: Org, day: dt.date, topic, kind: str = "letter") -> Draft:
        """An org letter forced to come from `org` on `topic` (periodic reports, follow-ups, reminders)."""
        saved = self.pick_org, self.pick_topic
        self._forced = True
        self.pick_org = lambda kinds: org  # type: ignore[method-assign]
        self.pick_topic = lambda o, citizen=False: topic  # type: ignore[method-assign]
        try:
            return self.org_draft(day, kind)
        finally:
            self.pick_org, self.pick_topic = saved  # type: ignore[method-assign]
            self._forced = False

    # --- the whole register ---------------------------------------------------------------------------------
    def draft_all(self) -> list[Draft]:
        rng = self.rng
        days: list[dt.date] = []
        for year in range(self.start.year, self.end.year + 1):
            wd = working_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
            weights = [
                (1.3 if d.weekday() == 0 else 1.0) * (0.7 if d.month in (1, 7, 8) else 1.0) for d in wd
            ]
            days += rng.choices(wd, weights, k=self.per_year)
        days.sort()
        drafts: list[Draft] = []
        kinds = list(KIND_WEIGHTS)
        kind_w = [KIND_WEIGHTS[k] for k in kinds]
        for day in days:
            kind = rng.choices(kinds, kind_w)[0]
            if kind == "collective_appeal":
                drafts += self.collective(day)
                continue
            if kind == "citizen_appeal":
                d = self.citizen_draft(day)
                drafts.append(d)
                if rng.random() < 0.07 and (r := self.repeat(d)):
                    drafts.append(r)
                elif rng.random() < 0.03 and (o := self.other_question(d)):
                    drafts.append(o)
            elif kind == "letter" and rng.random() < 0.06:
                d = self.report(day)
                drafts.append(d)
                prev = d
                for _ in range(rng.randint(1, 4)):
                    nxt = self.lookalike(prev)
                    if nxt is None:
                        break
                    drafts.append(nxt)
                    prev = nxt
            else:
                d = self.org_draft(day, kind)
                drafts.append(d)
                if (
                    kind in ("letter", "request", "notification")
                    and rng.random() < 0.05
                    and (f := self.follow_up(d))
                ):
                    drafts.append(f)
            if rng.random() < 0.045 and (dup := self.duplicate(d)):
                drafts.append(dup)
        return drafts

    def rows(self, keep_letters: Callable[[int], set[int]] | None = None) -> tuple[list[dict], dict]:
        """Register rows in date order; `keep_letters(n)` names the rows whose page blocks are kept (`_letter`)
        for rendering: the others are freed as soon as their text is taken."""
        drafts = self.draft_all()
        drafts.sort(key=lambda d: (d.day, d.key))
        keep = keep_letters(len(drafts)) if keep_letters else None
        doc_ids: dict[int, str] = {}
        counters: dict[tuple[int, str], int] = {}
        cap = max(4, math.ceil(self.per_year / 1000))
        assigner = Assigner(self.world, weekly_cap=cap)
        rng = random.Random(f"{self.seed}:assign")
        rows = []
        agree = 0
        for i, d in enumerate(drafts):
            doc_id = f"D{d.day.year}-{i + 1:06d}"
            doc_ids[d.key] = doc_id
            series = {"citizen_appeal": "ОГ", "collective_appeal": "ОГ", "deputy_request": "ДЗ",
                      "prosecutor_act": "ПР", "instruction": "ПП"}.get(d.kind, "01")  # fmt: skip
            counters[(d.day.year, series)] = counters.get((d.day.year, series), 0) + 1
            reg_number = f"{series}-{counters[(d.day.year, series)]}"
            if series == "01":
                reg_number = f"01-{counters[(d.day.year, series)]}/{d.day:%y}"
            author_key = d.addressee_key
            sup = self.supervisor_key(d.topic, d.day)
            if author_key in ("GOV", "CHAIR") and rng.random() < 0.7:
                author_key = sup
            author_id, _, _, _ = self.manager(author_key, d.day)
            style = self.styles[author_id]
            executor, unit_id, oracle, co = assigner.choose(
                rng, d.topic, d.day, style.habit_themes, style.coexec_rate
            )
            if d.kind == "instruction" and rng.random() < 0.3 and not co:
                people = [p for p in assigner._unit_people(unit_id, d.day) if p != executor]
                co = people[:1]
            agree += executor == oracle
            deadline = self.deadline(d, rng)
            names = [self.world.staff[s].person.dative_short() for s in [executor] + co]
            res_kind = d.res_kind
            if res_kind == "info" and deadline is not None:
                res_kind = "work"
            res_text = resolution_text(rng, style, res_kind, names, deadline)
            blocks = [(b.name, b.text) for b in d.letter.blocks]
            pages, breaks = paginate(blocks, d.letter.layout)
            text = paged_text(blocks, breaks)
            row = {c: "" for c in COLUMNS}
            row.update({k: v for k, v in d.fields.items() if k in row})
            row["package"] = row["package"] or "letter"
            for k in d.letter.hidden:  # the clerk fills only what the letter carries
                row[k] = ""
            row.update(
                doc_id=doc_id, reg_number=reg_number, reg_date=d.day.isoformat(), channel=d.channel,
                doc_kind=d.kind, topic_code=d.topic.code, topic_name=d.topic.name, text=text,
                page_count=len(pages), resolution_author_id=author_id, resolution_text=res_text,
                resolution_kind=res_kind, executor_id=executor, executor_unit_id=unit_id,
                coexecutor_ids=";".join(co), deadline=deadline.isoformat() if deadline else "",
                oracle_executor_id=oracle, layout=d.letter.layout,
            )  # fmt: skip
            for link, key in d.links.items():
                row[link] = doc_ids.get(key, "")
            if keep is None or i in keep:
                row["_letter"] = d.letter
            d.letter = None  # type: ignore[assignment]
            rows.append(row)
        stats = {"oracle_top1": round(agree / max(1, len(rows)), 4)}
        return rows, stats

    def deadline(self, d: Draft, rng: random.Random) -> dt.date | None:
        if d.kind in ("citizen_appeal", "collective_appeal", "deputy_request"):
            due = d.day + dt.timedelta(days=30 if d.kind != "deputy_request" else 30)
            due -= dt.timedelta(days=rng.choice([0, 0, 5, 10]))
        elif d.explicit_deadline is not None:
            due = d.explicit_deadline
            if d.kind in ("request", "instruction"):
                back = rng.choice([1, 2, 3])
                while back:
                    due -= dt.timedelta(days=1)
                    back -= is_working_day(due)
        elif d.res_kind in ("consider_answer", "proposals", "work"):
            due = add_working_days(d.day, rng.choice([10, 10, 20, 30]))
        else:
            return None
        while not is_working_day(due):
            due -= dt.timedelta(days=1)
        return max(due, d.day)
