"""Demo data of the inventory plugin: categories, products with valid EAN-13 codes, and the
central warehouse of Chișinău with its zones and shelves. Idempotent (looked up by code/GTIN)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import ean

from plugins.inventory.models import Location, Product, ProductCategory
from plugins.inventory.services import seed_virtual_locations

D = Decimal

# code, ro, ru, en, storage, days past best-before, kg per meal, kg CO2e per kg
CATEGORIES = [
    ("DAIRY", "Lactate", "Молочные продукты", "Dairy", "chilled", 3, "0.5", "3.2"),
    ("BAKERY", "Produse de panificație", "Хлебобулочные изделия", "Bakery", "ambient", 1,
     "0.4", "1.6"),
    ("FRUITVEG", "Fructe și legume", "Фрукты и овощи", "Fruit and vegetables", "chilled", 2,
     "0.5", "1.1"),
    ("CANNED", "Conserve", "Консервы", "Canned food", "ambient", 180, "0.5", "2.5"),
    ("DRY", "Cereale, paste și făinoase", "Крупы, макароны и мука", "Cereals, pasta and flour",
     "ambient", 90, "0.45", "1.9"),
    ("MEATFRZ", "Carne congelată", "Замороженное мясо", "Frozen meat", "frozen", 0, "0.5",
     "12.0"),
    ("OIL", "Uleiuri și grăsimi", "Масла и жиры", "Oils and fats", "ambient", 60, "0.5", "3.0"),
    ("DRINKS", "Băuturi nealcoolice", "Безалкогольные напитки", "Soft drinks", "ambient", 60,
     "1.0", "0.6"),
]

# stem (12 digits), ro, ru, en, category, unit, net kg/unit, date mark, allergens, lei/kg
PRODUCTS = [
    ("484000100001", "Lapte 2,5% 1 l", "Молоко 2,5% 1 л", "Milk 2.5% 1 l", "DAIRY", "l", "1.03",
     "use_by", ["milk"], "18.50"),
    ("484000100002", "Iaurt natural 400 g", "Йогурт натуральный 400 г", "Natural yoghurt 400 g",
     "DAIRY", "piece", "0.4", "use_by", ["milk"], "45.00"),
    ("484000100003", "Brânză de vaci 9%", "Творог 9%", "Cottage cheese 9%", "DAIRY", "kg", "1",
     "use_by", ["milk"], "95.00"),
    ("484000100004", "Unt 72,5% 200 g", "Масло сливочное 72,5% 200 г", "Butter 72.5% 200 g",
     "DAIRY", "piece", "0.2", "best_before", ["milk"], "160.00"),
    ("484000200001", "Pâine albă 500 g", "Хлеб белый 500 г", "White bread 500 g", "BAKERY",
     "piece", "0.5", "best_before", ["gluten"], "16.00"),
    ("484000200002", "Covrigi cu susan", "Бублики с кунжутом", "Sesame bagels", "BAKERY", "kg",
     "1", "best_before", ["gluten", "sesame"], "40.00"),
    ("484000300001", "Mere Golden", "Яблоки Голден", "Golden apples", "FRUITVEG", "kg", "1",
     "none", [], "12.00"),
    ("484000300002", "Cartofi", "Картофель", "Potatoes", "FRUITVEG", "kg", "1", "none", [],
     "8.00"),
    ("484000300003", "Morcovi", "Морковь", "Carrots", "FRUITVEG", "kg", "1", "none", [],
     "7.50"),
    ("484000400001", "Mazăre verde conservată 400 g", "Зелёный горошек консервированный 400 г",
     "Canned green peas 400 g", "CANNED", "piece", "0.4", "best_before", [], "35.00"),
    ("484000400002", "Pește în sos tomat 240 g", "Рыба в томатном соусе 240 г",
     "Fish in tomato sauce 240 g", "CANNED", "piece", "0.24", "best_before", ["fish"], "110.00"),
    ("484000400003", "Fasole albă conservată 400 g", "Фасоль белая консервированная 400 г",
     "Canned white beans 400 g", "CANNED", "piece", "0.4", "best_before", [], "30.00"),
    ("484000500001", "Hrișcă 1 kg", "Гречка 1 кг", "Buckwheat 1 kg", "DRY", "piece", "1",
     "best_before", [], "28.00"),
    ("484000500002", "Paste făinoase 500 g", "Макароны 500 г", "Pasta 500 g", "DRY", "piece",
     "0.5", "best_before", ["gluten", "eggs"], "30.00"),
    ("484000500003", "Făină de grâu 2 kg", "Мука пшеничная 2 кг", "Wheat flour 2 kg", "DRY",
     "piece", "2", "best_before", ["gluten"], "12.50"),
    ("484000500004", "Orez 1 kg", "Рис 1 кг", "Rice 1 kg", "DRY", "piece", "1", "best_before",
     [], "32.00"),
    ("484000600001", "Pulpe de pui congelate", "Куриные окорочка замороженные",
     "Frozen chicken legs", "MEATFRZ", "kg", "1", "use_by", [], "65.00"),
    ("484000600002", "Carne tocată de porc congelată", "Свиной фарш замороженный",
     "Frozen minced pork", "MEATFRZ", "kg", "1", "use_by", [], "90.00"),
    ("484000700001", "Ulei de floarea-soarelui 1 l", "Подсолнечное масло 1 л",
     "Sunflower oil 1 l", "OIL", "l", "0.92", "best_before", [], "33.00"),
    ("484000800001", "Suc de mere 1 l", "Яблочный сок 1 л", "Apple juice 1 l", "DRINKS", "l",
     "1.04", "best_before", ["sulphites"], "20.00"),
]

# code, name, kind, parent code, storage
LOCATIONS = [
    ("DC", "Depozit central Chișinău", "warehouse", None, "ambient"),
    ("DC-A", "Zona uscată", "zone", "DC", "ambient"),
    ("DC-R", "Zona refrigerată", "zone", "DC", "chilled"),
    ("DC-F", "Zona congelată", "zone", "DC", "frozen"),
    ("DC-A-01", "Raft A1", "shelf", "DC-A", "ambient"),
    ("DC-A-02", "Raft A2", "shelf", "DC-A", "ambient"),
    ("DC-A-03", "Raft A3", "shelf", "DC-A", "ambient"),
    ("DC-R-01", "Raft frigorific R1", "shelf", "DC-R", "chilled"),
    ("DC-R-02", "Raft frigorific R2", "shelf", "DC-R", "chilled"),
    ("DC-F-01", "Congelator F1", "shelf", "DC-F", "frozen"),
]


def demo_gtin(stem: str) -> str:
    """A valid EAN-13 from a 12-digit stem."""
    return stem + ean.calc_check_digit(stem)


def load_demo(session: Session) -> list[str]:
    categories = {c.code: c for c in session.scalars(select(ProductCategory))}
    new_categories = 0
    for code, ro, ru, en, storage, days, per_meal, co2e in CATEGORIES:
        if code not in categories:
            categories[code] = ProductCategory(
                code=code, name_ro=ro, name_ru=ru, name_en=en, storage_condition=storage,
                max_days_past_best_before=days, kg_per_meal=D(per_meal), co2e_per_kg=D(co2e),
                active=True)
            session.add(categories[code])
            new_categories += 1
    session.flush()

    gtins = set(session.scalars(select(Product.gtin).where(Product.gtin.is_not(None))))
    new_products = 0
    for stem, ro, ru, en, cat, unit, net, mark, allergens, value in PRODUCTS:
        gtin = demo_gtin(stem)
        if gtin in gtins:
            continue
        category = categories[cat]
        session.add(Product(
            gtin=gtin, name_ro=ro, name_ru=ru, name_en=en, category=category, unit=unit,
            net_kg_per_unit=D(net), storage_condition=category.storage_condition,
            date_mark=mark, allergens=allergens, alcoholic=False, value_per_kg=D(value),
            min_stock_kg=D("50"), active=True))
        new_products += 1

    locations = {loc.code: loc for loc in session.scalars(select(Location))}
    new_locations = 0
    for code, name, kind, parent, storage in LOCATIONS:
        if code not in locations:
            locations[code] = Location(code=code, name=name, kind=kind, storage_condition=storage,
                                       parent=locations[parent] if parent else None, active=True)
            session.add(locations[code])
            new_locations += 1
    session.flush()
    seed_virtual_locations(session)
    return [f"{new_categories} product categories", f"{new_products} products",
            f"{new_locations} warehouse locations"]
