"""The correspondent directory: federal, regional and municipal bodies, courts, prosecutors, institutions,
companies and NGOs of one region, each with a canonical entry and the name variants letters use."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from data.generator.calendar import DATE_STYLES

# Municipalities of the region: (adjective stem, centre, centre in genitive, kind)
MUNICIPALITIES = [
    ("Челябинский", "Челябинск", "Челябинска", "go"), ("Копейский", "Копейск", "Копейска", "go"),
    ("Магнитогорский", "Магнитогорск", "Магнитогорска", "go"), ("Миасский", "Миасс", "Миасса", "go"),
    ("Златоустовский", "Златоуст", "Златоуста", "go"), ("Троицкий", "Троицк", "Троицка", "go"),
    ("Озерский", "Озерск", "Озерска", "go"), ("Снежинский", "Снежинск", "Снежинска", "go"),
    ("Трехгорный", "Трехгорный", "Трехгорного", "go"), ("Верхнеуфалейский", "Верхний Уфалей", "Верхнего Уфалея", "go"),
    ("Карабашский", "Карабаш", "Карабаша", "go"), ("Кыштымский", "Кыштым", "Кыштыма", "go"),
    ("Усть-Катавский", "Усть-Катав", "Усть-Катава", "go"), ("Чебаркульский", "Чебаркуль", "Чебаркуля", "go"),
    ("Южноуральский", "Южноуральск", "Южноуральска", "go"), ("Локомотивный", "Локомотивный", "Локомотивного", "go"),
    ("Агаповский", "Агаповка", "Агаповки", "mr"), ("Аргаяшский", "Аргаяш", "Аргаяша", "mr"),
    ("Ашинский", "Аша", "Аши", "mr"), ("Брединский", "Бреды", "Бред", "mr"), ("Варненский", "Варна", "Варны", "mr"),
    ("Верхнеуральский", "Верхнеуральск", "Верхнеуральска", "mr"), ("Еманжелинский", "Еманжелинск", "Еманжелинска", "mr"),
    ("Еткульский", "Еткуль", "Еткуля", "mr"), ("Карталинский", "Карталы", "Карталов", "mr"),
    ("Каслинский", "Касли", "Каслей", "mr"), ("Катав-Ивановский", "Катав-Ивановск", "Катав-Ивановска", "mr"),
    ("Кизильский", "Кизильское", "Кизильского", "mr"), ("Коркинский", "Коркино", "Коркино", "mr"),
    ("Красноармейский", "Миасское", "Миасского", "mr"), ("Кунашакский", "Кунашак", "Кунашака", "mr"),
    ("Кусинский", "Куса", "Кусы", "mr"), ("Нагайбакский", "Фершампенуаз", "Фершампенуаза", "mr"),
    ("Нязепетровский", "Нязепетровск", "Нязепетровска", "mr"), ("Октябрьский", "Октябрьское", "Октябрьского", "mr"),
    ("Пластовский", "Пласт", "Пласта", "mr"), ("Саткинский", "Сатка", "Сатки", "mr"),
    ("Сосновский", "Долгодеревенское", "Долгодеревенского", "mr"), ("Увельский", "Увельский", "Увельского", "mr"),
    ("Уйский", "Уйское", "Уйского", "mr"), ("Чесменский", "Чесма", "Чесмы", "mr"),
]  # fmt: skip

FEDERAL_TOP = [
    ("Администрация Президента Российской Федерации", "Администрация Президента РФ", "federal"),
    ("Правительство Российской Федерации", "Правительство РФ", "federal"),
    ("Аппарат полномочного представителя Президента Российской Федерации в Уральском федеральном округе",
     "Аппарат полпреда Президента РФ в УрФО", "federal"),
    ("Министерство строительства и жилищно-коммунального хозяйства Российской Федерации", "Минстрой России", "federal"),
    ("Министерство здравоохранения Российской Федерации", "Минздрав России", "federal"),
    ("Министерство просвещения Российской Федерации", "Минпросвещения России", "federal"),
    ("Министерство финансов Российской Федерации", "Минфин России", "federal"),
    ("Министерство экономического развития Российской Федерации", "Минэкономразвития России", "federal"),
    ("Министерство труда и социальной защиты Российской Федерации", "Минтруд России", "federal"),
    ("Министерство транспорта Российской Федерации", "Минтранс России", "federal"),
    ("Министерство природных ресурсов и экологии Российской Федерации", "Минприроды России", "federal"),
    ("Министерство сельского хозяйства Российской Федерации", "Минсельхоз России", "federal"),
    ("Министерство цифрового развития, связи и массовых коммуникаций Российской Федерации", "Минцифры России", "federal"),
    ("Государственная Дума Федерального Собрания Российской Федерации", "Государственная Дума", "legislature"),
    ("Совет Федерации Федерального Собрания Российской Федерации", "Совет Федерации", "legislature"),
    ("Законодательное Собрание Челябинской области", "ЗСО", "legislature"),
    ("Контрольно-счетная палата Челябинской области", "КСП Челябинской области", "regional"),
    ("Уполномоченный по правам человека в Челябинской области", "Уполномоченный по правам человека в ЧО", "regional"),
    ("Избирательная комиссия Челябинской области", "Избирком Челябинской области", "regional"),
    ("Общественная палата Челябинской области", "Общественная палата ЧО", "regional"),
]  # fmt: skip

# Federal territorial offices: (full name, short name)
FEDERAL_OFFICES = [
    ("Управление Федеральной налоговой службы по Челябинской области", "УФНС России по Челябинской области"),
    ("Главное управление Министерства внутренних дел Российской Федерации по Челябинской области", "ГУ МВД России по Челябинской области"),
    ("Главное управление МЧС России по Челябинской области", "ГУ МЧС России по Челябинской области"),
    ("Управление Федеральной службы по надзору в сфере защиты прав потребителей и благополучия человека по Челябинской области", "Управление Роспотребнадзора по Челябинской области"),
    ("Управление Федеральной службы государственной регистрации, кадастра и картографии по Челябинской области", "Управление Росреестра по Челябинской области"),
    ("Управление Федеральной антимонопольной службы по Челябинской области", "Челябинское УФАС России"),
    ("Управление Федеральной службы судебных приставов по Челябинской области", "УФССП России по Челябинской области"),
    ("Отделение Фонда пенсионного и социального страхования Российской Федерации по Челябинской области", "ОСФР по Челябинской области"),
    ("Управление Федерального казначейства по Челябинской области", "УФК по Челябинской области"),
    ("Управление Федеральной службы безопасности Российской Федерации по Челябинской области", "УФСБ России по Челябинской области"),
    ("Уральское межрегиональное управление Росприроднадзора", "Уральское управление Росприроднадзора"),
    ("Уральское управление Ростехнадзора", "Уральское управление Ростехнадзора"),
    ("Государственная инспекция труда в Челябинской области", "ГИТ в Челябинской области"),
    ("Военный комиссариат Челябинской области", "Военкомат Челябинской области"),
    ("Управление Министерства юстиции Российской Федерации по Челябинской области", "Управление Минюста России по Челябинской области"),
    ("Управление Федеральной службы исполнения наказаний по Челябинской области", "ГУФСИН России по Челябинской области"),
    ("Территориальный орган Федеральной службы государственной статистики по Челябинской области", "Челябинскстат"),
    ("Управление Федеральной службы по ветеринарному и фитосанитарному надзору по Челябинской области", "Управление Россельхознадзора по Челябинской области"),
    ("Территориальный фонд обязательного медицинского страхования Челябинской области", "ТФОМС Челябинской области"),
    ("Управление Федеральной службы по надзору в сфере здравоохранения по Челябинской области", "Территориальный орган Росздравнадзора по Челябинской области"),
]  # fmt: skip

REGIONAL_MINISTRIES = [
    "строительства", "здравоохранения", "образования и науки", "социальных отношений", "культуры",
    "физической культуры и спорта", "экономического развития", "сельского хозяйства", "имущества",
    "финансов", "тарифного регулирования и энергетики", "дорожного хозяйства и транспорта",
    "экологии", "общественной безопасности", "информационных технологий, связи и цифрового развития",
    "промышленности, новых технологий и природных ресурсов", "по физической культуре и спорту",
]  # fmt: skip
REGIONAL_AGENCIES = [
    ("Главное контрольное управление Челябинской области", "ГКУ Челябинской области"),
    ("Государственная жилищная инспекция Челябинской области", "ГЖИ Челябинской области"),
    ("Главное управление лесами Челябинской области", "ГУ лесами Челябинской области"),
    ("Главное управление юстиции Челябинской области", "ГУ юстиции Челябинской области"),
    ("Главное управление по труду и занятости населения Челябинской области", "ГУ по труду и занятости ЧО"),
    ("Главное управление архитектуры и градостроительства Челябинской области", "ГУАиГ Челябинской области"),
    ("Главное управление молодежной политики Челябинской области", "ГУ молодежной политики ЧО"),
    ("Главное управление ЗАГС Челябинской области", "ГУ ЗАГС Челябинской области"),
    ("Региональный оператор капитального ремонта общего имущества в многоквартирных домах Челябинской области", "СНОФ «Региональный оператор капитального ремонта»"),
]  # fmt: skip

COMPANY_ROOTS = [
    "Урал", "Южурал", "Челяб", "Миасс", "Техно", "Строй", "Энерго", "Агро", "Тепло", "Водо", "Авто", "Пром",
    "Мет", "Спец", "Регион", "Инвест", "Торг", "Транс", "Газ", "Дор", "Эко", "Сиб", "Мега", "Стандарт",
    "Альфа", "Вектор", "Гранит", "Кедр", "Меридиан", "Союз", "Профи", "Лидер", "Северо", "Восток",
]  # fmt: skip
COMPANY_TAILS = [
    "строй", "сервис", "монтаж", "инвест", "торг", "ресурс", "транс", "проект", "комплект", "снаб", "тех",
    "маш", "лит", "пром", "энерго", "дом", "групп", "мед", "фарм", "агро", "логистик", "сбыт", "консалт",
]  # fmt: skip
COMPANY_PROFILES = [
    "Управляющая компания", "Строительная компания", "Производственное объединение", "Торговый дом",
    "Завод металлоконструкций", "Транспортная компания", "Агрофирма", "Медицинский центр",
]  # fmt: skip
NGO_KINDS = [
    ("Товарищество собственников жилья", "ТСЖ"),
    ("Садоводческое некоммерческое товарищество", "СНТ"),
    ("Автономная некоммерческая организация", "АНО"),
    ("Региональная общественная организация", "РОО"),
    ("Благотворительный фонд", "БФ"),
    ("Местная общественная организация", "МОО"),
]  # fmt: skip
NGO_NAMES = [
    "Ветераны Южного Урала", "Добрые соседи", "Солнечный", "Березка", "Мечта", "Рассвет", "Уральская дружина",
    "Содействие", "Молодые семьи", "Зеленый город", "Надежда", "Родник", "Уральские зори", "Мир детства",
    "Движение вперед", "Наш двор", "Опора", "Здоровое поколение", "Металлург", "Энергетик", "Строитель",
    "Лесная поляна", "Сад-1", "Сад-2", "Учитель", "Ромашка", "Вишневый сад", "Дружба", "Южный", "Заречный",
]  # fmt: skip

NUMBER_STYLES = 10


@dataclass
class Org:
    org_id: str
    full_name: str
    short_name: str
    kind: str
    inn: str
    address: str
    municipality: str
    head_position: str
    phone: str
    email: str
    number_style: int
    number_prefix: str
    date_style: int
    variants: list[str] = field(default_factory=list)


def _adj_gen(adj: str) -> str:
    """«Копейский» → «Копейского» (the stems here are all regular adjectives)."""
    for end, rep in (("ский", "ского"), ("ный", "ного"), ("ий", "ого"), ("ый", "ого")):
        if adj.endswith(end):
            return adj[: -len(end)] + rep
    return adj


def municipality_name(adj: str, kind: str) -> str:
    return f"{_adj_gen(adj)} {'городского округа' if kind == 'go' else 'муниципального района'}"


def _quote_variants(name: str) -> list[str]:
    out = []
    if "«" in name:
        out.append(name.replace("«", '"').replace("»", '"'))
        out.append(name.replace("«", "").replace("»", ""))
    return out


def name_variants(full: str, short: str, rng: random.Random) -> list[str]:
    variants = [short, full]
    variants += _quote_variants(short)
    variants += _quote_variants(full)[:1]
    if rng.random() < 0.5:
        variants.append(full.upper())
    if "Челябинской области" in short:
        variants.append(short.replace("Челябинской области", "Челябинской обл."))
        variants.append(short.replace("по Челябинской области", "по ЧО"))
    if "Российской Федерации" in full:
        variants.append(full.replace("Российской Федерации", "РФ"))
    if short.startswith(("ООО ", "АО ", "ПАО ")) and "«" in short:
        form, rest = short.split(" ", 1)
        variants.append(f"{rest.strip('«»')}, {form}")
    seen, out = set(), []
    for v in variants:
        if v and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _inn(rng: random.Random) -> str:
    """A 10-digit legal-entity INN with a valid check digit, region 74."""
    digits = [7, 4] + [rng.randint(0, 9) for _ in range(7)]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 % 10
    return "".join(map(str, digits + [check]))


def _domain(rng: random.Random, root: str) -> str:
    return f"{root}.ru" if rng.random() < 0.6 else f"{root}74.ru"


_TRANSLIT = str.maketrans(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "abvgdeejziiklmnoprstufhccss_y_eua",
)


def _latin(word: str) -> str:
    return "".join(c for c in word.lower().translate(_TRANSLIT) if c.isalnum())[:12] or "org"


def build_orgs(seed: int, fake, target: int = 5200) -> list[Org]:
    rng = random.Random(f"{seed}:orgs")
    rows: list[tuple[str, str, str, str, str]] = []  # full, short, kind, municipality, head position

    for full, short, kind in FEDERAL_TOP:
        head = {"legislature": "Председатель", "federal": "Руководитель"}.get(kind, "Председатель")
        regional = kind == "regional" or "Челябинской области" in full or "Уральском" in full
        rows.append((full, short, kind, "Челябинск" if regional else "Москва", head))
    for full, short in FEDERAL_OFFICES:
        rows.append((full, short, "federal_office", "Челябинск", "Руководитель"))
    for m in REGIONAL_MINISTRIES:
        rows.append(
            (
                f"Министерство {m} Челябинской области",
                f"Министерство {m} ЧО",
                "regional_ministry",
                "Челябинск",
                "Министр",
            )
        )
    for full, short in REGIONAL_AGENCIES:
        rows.append((full, short, "regional_agency", "Челябинск", "Начальник"))
    rows.append(
        ("Прокуратура Челябинской области", "Прокуратура ЧО", "prosecutor", "Челябинск", "Прокурор области")
    )
    rows.append(
        ("Челябинский областной суд", "Челябинский облсуд", "court", "Челябинск", "Председатель суда")
    )
    rows.append(
        (
            "Арбитражный суд Челябинской области",
            "АС Челябинской области",
            "court",
            "Челябинск",
            "Председатель суда",
        )
    )
    for adj, centre, centre_gen, kind in MUNICIPALITIES:
        mun = municipality_name(adj, kind)
        head = f"Глава {mun}"
        rows.append(
            (
                f"Администрация {mun}",
                f"Администрация {_adj_gen(adj).replace('ого', 'ого')} {'ГО' if kind == 'go' else 'МР'}",
                "municipality",
                centre,
                head,
            )
        )
        council = "Собрание депутатов" if kind == "mr" else "Совет депутатов"
        rows.append(
            (
                f"{council} {mun}",
                f"{council} {_adj_gen(adj)} {'ГО' if kind == 'go' else 'МР'}",
                "municipal_council",
                centre,
                "Председатель",
            )
        )
        place = f"города {centre_gen}" if kind == "go" else f"{_adj_gen(adj)} района"
        rows.append(
            (f"Прокуратура {place}", f"Прокуратура {place}", "prosecutor", centre, f"Прокурор {place}")
        )
        court = f"{adj} {'городской' if kind == 'go' else 'районный'} суд Челябинской области"
        rows.append((court, court.replace(" Челябинской области", ""), "court", centre, "Председатель суда"))
        rows.append(
            (
                f"Управление образования администрации {mun}",
                f"УО администрации {_adj_gen(adj)} {'ГО' if kind == 'go' else 'МР'}",
                "municipal_dept",
                centre,
                "Начальник управления",
            )
        )
        rows.append(
            (
                f"Управление социальной защиты населения администрации {mun}",
                f"УСЗН {_adj_gen(adj)} {'ГО' if kind == 'go' else 'МР'}",
                "municipal_dept",
                centre,
                "Начальник управления",
            )
        )
        big = 4 if centre in ("Челябинск", "Магнитогорск") else 1
        where = f"г. {centre}" if kind == "go" else f"{_adj_gen(adj)} района"
        for n in rng.sample(range(1, 40 * big), min(38 * big, 6 + rng.randint(0, 8) * big)):
            rows.append(
                (
                    f"Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № {n}» {where}",
                    f"МБОУ «СОШ № {n}» {where}",
                    "school",
                    centre,
                    "Директор",
                )
            )
        for n in rng.sample(range(1, 60 * big), min(50 * big, 5 + rng.randint(0, 8) * big)):
            rows.append(
                (
                    f"Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № {n}» {where}",
                    f"МБДОУ «ДС № {n}» {where}",
                    "kindergarten",
                    centre,
                    "Заведующий",
                )
            )
        for n in range(1, 2 + big):
            rows.append(
                (
                    f"Государственное бюджетное учреждение здравоохранения «Городская больница № {n} {where}»",
                    f"ГБУЗ «ГБ № {n} {where}»",
                    "hospital",
                    centre,
                    "Главный врач",
                )
            )
        rows.append(
            (
                f"Муниципальное казенное учреждение «Комплексный центр социального обслуживания населения» {where}",
                f"МКУ «КЦСОН» {where}",
                "institution",
                centre,
                "Директор",
            )
        )
    centres = [m[1] for m in MUNICIPALITIES]
    weights = [
        30 if c == "Челябинск" else 8 if c in ("Магнитогорск", "Копейск", "Миасс", "Златоуст") else 1
        for c in centres
    ]
    seen_names = {r[0] for r in rows}
    while len(rows) < target:
        centre = rng.choices(centres, weights)[0]
        r = rng.random()
        if r < 0.78:
            word = rng.choice(COMPANY_ROOTS) + rng.choice(COMPANY_TAILS)
            if rng.random() < 0.25:
                word = f"{rng.choice(COMPANY_PROFILES)} {word.capitalize()}"
            elif rng.random() < 0.2:
                word = f"{word}-{rng.randint(1, 99)}"
            form = rng.choices(["ООО", "АО", "ПАО"], [0.86, 0.12, 0.02])[0]
            long = {
                "ООО": "Общество с ограниченной ответственностью",
                "АО": "Акционерное общество",
                "ПАО": "Публичное акционерное общество",
            }[form]
            full, short, kind, head = (
                f"{long} «{word}»",
                f"{form} «{word}»",
                "company",
                "Генеральный директор",
            )
        else:
            long, abbr = rng.choice(NGO_KINDS)
            name = rng.choice(NGO_NAMES) if rng.random() < 0.6 else fake.last_name_male() + "ский"
            suffix = f" г. {centre}" if rng.random() < 0.5 else ""
            full, short, kind, head = (
                f"{long} «{name}»{suffix}",
                f"{abbr} «{name}»{suffix}",
                "ngo",
                "Председатель",
            )
        if full in seen_names:
            continue
        seen_names.add(full)
        rows.append((full, short, kind, centre, head))

    orgs = []
    inns: set[str] = set()
    for i, (full, short, kind, centre, head) in enumerate(rows):
        inn = _inn(rng)
        while inn in inns:
            inn = _inn(rng)
        inns.add(inn)
        street = fake.street_name()
        city = centre if centre != "Москва" else "Москва"
        postcode = f"{rng.randint(454000, 457699)}" if city != "Москва" else f"{rng.randint(101000, 129999)}"
        prefix = "г." if city in {m[1] for m in MUNICIPALITIES if m[3] == "go"} or city == "Москва" else "с."
        address = f"{postcode}, {prefix} {city}, {street}, д. {rng.randint(1, 180)}"
        code = {"Челябинск": "351", "Москва": "495"}.get(city) or rng.choice(
            ["3513", "3519", "35130", "35160"]
        )
        phone = f"({code}) {rng.randint(200, 799)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        if "«" in short:
            root = _latin(short.split("«")[1].split("»")[0].split()[-1])
        else:  # an abbreviation of the body's name: «Прокуратура Уйского района» → prokuratura-ui
            words = [w for w in short.replace(".", " ").split() if len(w) > 2]
            root = _latin(words[0])[:10] + ("-" + _latin(words[1])[:5] if len(words) > 1 else "")
        email = f"{rng.choice(['info', 'mail', 'office', 'priem', 'adm', 'secretary'])}@{_domain(rng, root)}"
        orgs.append(
            Org(
                org_id=f"ORG{i + 1:05d}",
                full_name=full,
                short_name=short,
                kind=kind,
                inn=inn,
                address=address,
                municipality=centre,
                head_position=head,
                phone=phone,
                email=email,
                number_style=rng.randrange(NUMBER_STYLES),
                number_prefix=f"{rng.randint(1, 12):02d}-{rng.randint(1, 30):02d}",
                date_style=rng.randrange(DATE_STYLES),
                variants=name_variants(full, short, rng),
            )
        )
    return orgs


def outgoing_number(org: Org, n: int, year: int, rng: random.Random) -> str:
    """The sender's outgoing number in its own style (at least eight styles across the directory)."""
    p = org.number_prefix
    letters = "".join(w[0] for w in org.short_name.replace("«", " ").split()[:2]).upper()[:2] or "ИС"
    style = org.number_style
    if style == 0:
        return f"{p}/{n}"
    if style == 1:
        return f"{n}-ОГ" if org.kind in ("prosecutor", "legislature") else f"{n}-исх"
    if style == 2:
        return f"{letters}-{rng.randint(1, 30)}/{n}"
    if style == 3:
        return f"{n}/{rng.randint(1, 9)}-{year}"
    if style == 4:
        return f"{n}"
    if style == 5:
        return f"{p}/{n}-ИС"
    if style == 6:
        return f"{n}-{letters}"
    if style == 7:
        return f"{letters}-{n}/{year % 100:02d}"
    if style == 8:
        return f"{p[:2]}/{n}"
    return f"{n}-{p[:2]}-{year % 100:02d}"
