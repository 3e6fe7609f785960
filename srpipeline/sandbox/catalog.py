"""Fixed reference data of the sandbox shop: languages, currencies, statuses, methods, products, names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    inner_id: int
    name: str
    code: str
    locale: str
    sort_order: int


@dataclass(frozen=True, slots=True)
class Currency:
    inner_id: int
    name: str
    code: str
    symbol_left: str
    symbol_right: str
    decimals: int
    value: str  # how much of this currency one unit of the default currency (HUF) is
    cents_to_huf: int  # for EUR: one cent in HUF (value 0.0025 -> 4)
    date_updated: str


@dataclass(frozen=True, slots=True)
class ShippingMode:
    inner_id: int
    name: str
    extension: str
    tax_rate: int
    fee_gross: int  # HUF


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    name: str
    code: str
    fee_gross: int  # HUF


@dataclass(frozen=True, slots=True)
class Product:
    inner_id: int
    name: str
    sku: str
    price_net: int  # HUF
    tax_rate: int


HUNGARIAN = Language(1, "Hungarian", "hu", "hu_HUN.UTF-8,hu_HUN,hu-hun,hungarian", 1)
ENGLISH = Language(2, "English", "en", "en_US.UTF-8,en_US,en-gb,english", 2)
LANGUAGES = (HUNGARIAN, ENGLISH)

HUF = Currency(4, "Hungarian HUF", "HUF", "", " Huf", 0, "1.00000000", 1, "2017-11-29 10:44:07")
EUR = Currency(5, "Euro", "EUR", "", " EUR", 2, "0.00250000", 4, "2023-01-10 09:12:44")
CURRENCIES = (HUF, EUR)

# (inner id, name, percent discount)
CUSTOMER_GROUPS = ((6, "Regular customer", "20"), (8, "Default", "0"), (9, "Wholesale", "10"))
DEFAULT_CUSTOMER_GROUP = 8

# (inner id, Hungarian name, English name, colour)
STATUSES = (
    (1, "Függőben", "Pending", "#ff9900"),
    (2, "Feldolgozás alatt", "Processing", "#3366ff"),
    (3, "Szállítás alatt", "Shipped", "#9933cc"),
    (4, "Teljesítve", "Completed", "#339933"),
    (5, "Törölt", "Cancelled", "#cc0000"),
    (6, "Visszavonva", "Revoked", "#999999"),
    (7, "Fizetésre vár", "Awaiting payment", "#ffcc00"),
    (8, "Visszaküldve", "Returned", "#663300"),
)
# how often a placed (not abandoned) order is in each status, by inner id
STATUS_WEIGHTS = {1: 6, 2: 5, 3: 4, 4: 70, 5: 5, 6: 3, 7: 4, 8: 3}

SHIPPING_MODES = (
    ShippingMode(18, "Házhozszállítás futárszolgálattal", "WSESHIP", 27, 1490),
    ShippingMode(19, "Személyes átvétel (1025 Budapest, Szépvölgyi út 25.)", "PERSONAL", 0, 0),
    ShippingMode(20, "GLS csomagpont", "GLSPARCELPOINT", 27, 990),
    ShippingMode(21, "MPL házhoz", "MPL", 27, 1990),
)
PAYMENT_METHODS = (
    PaymentMethod("Utánvét", "COD", 390),
    PaymentMethod("Banki átutalás", "BANK_TRANSFER", 0),
    PaymentMethod("Bankkártyás fizetés (Barion)", "BARION", 0),
    PaymentMethod("Készpénz", "CASH", 0),
)

_PRODUCT_BASE = (
    ("Harry Potter és a Főnix Rendje", 3990, 5),
    ("A kis herceg", 2490, 5),
    ("Egri csillagok", 2990, 5),
    ("Mini Tündér karkötő", 400, 27),
    ("Ezüst fülbevaló", 8900, 27),
    ("Bőr pénztárca", 12900, 27),
    ("Kerámia bögre", 2200, 27),
    ("Pamut póló", 4990, 27),
    ("Gyapjú sál", 7990, 27),
    ("Fa játékvonat", 9990, 27),
    ("Akácméz 500 g", 2790, 18),
    ("Tokaji aszú 0,5 l", 8490, 27),
    ("Pick szalámi", 5490, 18),
    ("Paprika őrlemény", 890, 18),
    ("Tejcsokoládé", 690, 18),
    ("Kávébab 1 kg", 6990, 18),
    ("USB-C töltő", 5990, 27),
    ("Vezeték nélküli egér", 7490, 27),
    ("Asztali lámpa", 15900, 27),
    ("Jógaszőnyeg", 8990, 27),
)
_VARIANTS = ("", " (kék)", " (piros)", " (nagy)")
PRODUCTS = tuple(
    Product(
        inner_id=100 + i * len(_VARIANTS) + j,
        name=name + variant,
        sku=f"SR{100 + i * len(_VARIANTS) + j:06d}",
        price_net=price + j * 100,
        tax_rate=rate,
    )
    for i, (name, price, rate) in enumerate(_PRODUCT_BASE)
    for j, variant in enumerate(_VARIANTS)
)

FIRST_NAMES = (
    "Anna", "Bence", "Csilla", "Dávid", "Eszter", "Ferenc", "Gábor", "Hajnalka", "István", "Judit",
    "Katalin", "László", "Márta", "Norbert", "Orsolya", "Péter", "Réka", "Sándor", "Tímea", "Zoltán",
    "Ágnes", "Éva", "Ödön", "Ürsula", "Zsófia", "Levente", "Dóra", "Balázs", "Nóra", "Tamás",
)  # fmt: skip
LAST_NAMES = (
    "Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas",
    "Balogh", "Papp", "Takács", "Juhász", "Lakatos", "Mészáros", "Oláh", "Simon", "Rácz", "Fekete",
)  # fmt: skip
CITIES = (
    ("Budapest", "1052"), ("Debrecen", "4028"), ("Szeged", "6720"), ("Pécs", "7621"), ("Győr", "9021"),
    ("Miskolc", "3525"), ("Nyíregyháza", "4400"), ("Kecskemét", "6000"), ("Eger", "3300"), ("Sopron", "9400"),
)  # fmt: skip
STREETS = (
    "Kossuth Lajos utca",
    "Petőfi Sándor utca",
    "Fő utca",
    "Rákóczi út",
    "Ady Endre utca",
    "Dózsa György út",
)
MAIL_DOMAINS = ("gmail.com", "freemail.hu", "citromail.hu", "example.hu", "outlook.com")
COMMENTS = ("", "", "", "Kérem délután szállítsák.", "Ajándékba lesz, kérem csomagolják.", "Kapucsengő: 12")
