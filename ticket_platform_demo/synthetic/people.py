"""Hand-written name and company pools for synthetic customers (no Faker dependency)."""

from __future__ import annotations

import unicodedata

FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "Michael", "Patricia", "Robert", "Jennifer", "John", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ashley", "Steven", "Emily",
    "Andrew", "Michelle", "Joshua", "Amanda", "Kevin", "Melissa", "Brian", "Stephanie", "Ryan", "Rebecca",
    "Jason", "Laura", "Eric", "Rachel", "Marcus", "Emma", "Olivia", "Sophia", "Liam", "Noah",
    "Ethan", "Lucas", "Mateo", "Santiago", "Valentina", "Camila", "Isabella", "Diego", "Alejandro", "Lucía",
    "Carlos", "José", "Priya", "Arjun", "Rohan", "Ananya", "Vikram", "Deepika", "Rahul", "Aditi",
    "Sanjay", "Kavya", "Wei", "Jun", "Mei", "Hiroshi", "Yuki", "Haruto", "Sakura", "Kenji",
    "Min-jun", "Seo-yeon", "Ji-woo", "Ahmed", "Fatima", "Omar", "Layla", "Yusuf", "Amira", "Hassan",
    "Zainab", "Kwame", "Amara", "Chinedu", "Ngozi", "Tunde", "Aisha", "Thabo", "Lerato", "Nia",
    "Lars", "Ingrid", "Sven", "Astrid", "Jens", "Freya", "Matthias", "Katharina", "Lukas", "Lena",
    "Jonas", "Anja", "Pierre", "Camille", "Antoine", "Chloé", "Louis", "Manon", "Giulia", "Marco",
    "Alessandro", "Francesca", "Luca", "Chiara", "Pedro", "Ana", "João", "Beatriz", "Tiago", "Inês",
    "Piotr", "Agnieszka", "Tomasz", "Katarzyna", "Dmitri", "Olga", "Ivan", "Natalia", "Mehmet", "Elif",
    "Emre", "Zeynep", "Nikos", "Eleni", "Sean", "Siobhan", "Declan", "Aoife", "Hannah", "Grace",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Patel", "Shah", "Sharma", "Gupta", "Singh", "Kumar", "Reddy", "Iyer", "Mehta", "Rao",
    "Chen", "Wang", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu",
    "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kim", "Park",
    "Choi", "Jung", "Kang", "Cho", "Yoon", "Ali", "Khan", "Hussain", "Rahman", "Haddad",
    "Okafor", "Adeyemi", "Mensah", "Owusu", "Nkosi", "Dlamini", "Mwangi", "Otieno", "Abebe", "Diallo",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz",
    "Dubois", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Romano", "Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Kowalski", "Nowak",
    "Wiśniewski", "Ivanov", "Petrov", "Smirnov", "Novak", "Horvat", "Jensen", "Nielsen", "Hansen", "Larsen",
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Berg", "Haugen", "Virtanen", "Korhonen", "O'Brien", "O'Connor",
    "Murphy", "Kelly", "Walsh", "Byrne", "Ryan", "McCarthy", "Doyle", "Murray", "MacDonald", "Stewart",
    "Fraser", "Cohen", "Levi", "Friedman", "Goldberg", "Yilmaz", "Kaya", "Demir", "Papadopoulos", "Georgiou",
    "van Dijk", "de Vries", "Jansen", "Bakker", "Visser", "Janssens", "Peeters", "Fernandez", "Gomez", "Diaz",
    "Morales", "Ortiz", "Castillo", "Romero", "Alvarez", "Ruiz", "Vargas", "Mendoza", "Castro", "Herrera",
    "Medina", "Aguilar", "Doe", "Bennett", "Foster", "Hughes", "Price", "Sullivan", "Russell", "Coleman",
)  # fmt: skip

# (company, email domain)
COMPANIES: tuple[tuple[str, str], ...] = (
    ("TechCorp", "techcorp.com"), ("CloudOps Inc.", "cloudops.com"), ("SecureData", "securedata.com"),
    ("AnalyticsPro", "analyticspro.com"), ("EventStream Labs", "eventstream.com"), ("Insight Analytics", "insightanalytics.com"),
    ("Northwind Traders", "northwindtraders.com"), ("Contoso Retail", "contoso-retail.com"), ("Fabrikam Logistics", "fabrikam.io"),
    ("Globex Payments", "globexpay.com"), ("Initech Software", "initech.dev"), ("Umbrella Health", "umbrellahealth.org"),
    ("Blue Harbor Bank", "blueharborbank.com"), ("Pinecrest Media", "pinecrestmedia.com"), ("Redwood Robotics", "redwoodrobotics.ai"),
    ("Silverline Insurance", "silverline-ins.com"), ("Helios Energy", "heliosenergy.com"), ("Brightpath Learning", "brightpath.edu"),
    ("Quantum Freight", "quantumfreight.com"), ("Atlas Travel Group", "atlastravel.com"), ("Orchid Pharma", "orchidpharma.com"),
    ("Lumen Streaming", "lumenstream.tv"), ("Crescent Foods", "crescentfoods.com"), ("Vertex Gaming", "vertexgaming.gg"),
    ("Stonebridge Capital", "stonebridgecap.com"), ("Nimbus Telecom", "nimbustel.net"), ("Harborview Hospital", "harborview-health.org"),
    ("Maple Leaf Outfitters", "mapleleafoutfitters.ca"), ("Kestrel Aerospace", "kestrelaero.com"), ("Granite Construction Tech", "granitecontech.com"),
    ("Sunrise Hotels", "sunrisehotels.com"), ("Evergreen Grocers", "evergreengrocers.com"), ("Tidewater Shipping", "tidewatershipping.com"),
    ("Falcon Fintech", "falconfintech.io"), ("Mosaic Marketing", "mosaicmktg.com"), ("Polaris Mobility", "polarismobility.com"),
    ("Cobalt Cybersecurity", "cobaltcyber.com"), ("Aurora Fashion", "aurorafashion.co"), ("Zenith Telehealth", "zenithtelehealth.com"),
    ("Riverbend Utilities", "riverbendutil.com"), ("Ironclad Manufacturing", "ironcladmfg.com"), ("Beacon Real Estate", "beaconrealty.com"),
    ("Cascade Water", "cascadewater.org"), ("Saffron Kitchens", "saffronkitchens.com"), ("Orbit Satellite", "orbitsat.space"),
    ("Meridian Legal", "meridianlegal.com"), ("Prairie Agritech", "prairieagritech.com"), ("Summit Outdoor", "summitoutdoor.com"),
    ("Keystone Payroll", "keystonepayroll.com"), ("Nova Biotech", "novabiotech.com"), ("Horizon Airlines", "horizonair.com"),
    ("Apex Auto Parts", "apexautoparts.com"), ("Bluebird Delivery", "bluebirddelivery.com"), ("Coral Reef Resorts", "coralreefresorts.com"),
    ("Driftwood Furniture", "driftwoodfurniture.com"), ("Echo Voice AI", "echovoice.ai"), ("Firefly Photo", "fireflyphoto.app"),
    ("Gemstone Jewelers", "gemstonejewelers.com"), ("Hummingbird HR", "hummingbirdhr.com"), ("Indigo Ink Publishing", "indigoink.pub"),
    ("Juniper Wellness", "juniperwellness.com"), ("Kite Education", "kite-edu.com"), ("Lighthouse Security", "lighthousesec.com"),
    ("Magnolia Events", "magnoliaevents.com"), ("Nautilus Marine", "nautilusmarine.com"), ("Oakridge Accounting", "oakridgecpa.com"),
    ("Pebble Pay", "pebblepay.io"), ("Quill Documents", "quilldocs.com"), ("Rainier Outdoor Gear", "rainiergear.com"),
    ("Sequoia Health Plans", "sequoiahealthplans.com"), ("Tundra Cold Chain", "tundracoldchain.com"), ("Uplift Fitness", "upliftfitness.com"),
    ("Vantage Point Analytics", "vantagepoint.io"), ("Willow Home Care", "willowhomecare.com"), ("Xenon Semiconductors", "xenonsemi.com"),
    ("Yellowstone Ticketing", "ystickets.com"), ("Zephyr Wind Power", "zephyrwind.com"), ("DataTech Solutions", "datatech.com"),
    ("CodeTech", "codetech.com"), ("AppTech Studio", "apptech.com"), ("SearchTech", "searchtech.com"),
    ("CloudWorks", "cloudworks.com"), ("SecureNet", "securenet.com"), ("BusinessNet", "businessnet.com"),
    ("Enterprise DB Group", "enterprisedbgroup.com"), ("FastNet Hosting", "fastnet.com"), ("WebHost Direct", "webhost.com"),
    ("LogAnalytics Co", "loganalytics.com"), ("MachineLearn", "machinelearn.com"), ("Insight Data", "insightdata.com"),
    ("Greenfield Farms", "greenfieldfarms.com"), ("Harbor Freightways", "harborfreightways.com"), ("Lakeside Clinics", "lakesideclinics.org"),
    ("Metro Transit Authority", "metrotransit.org"), ("Nordic Furniture Co", "nordicfurniture.se"), ("Alpine Banking", "alpinebank.ch"),
    ("Rhein Logistik", "rheinlogistik.de"), ("Parisian Patisserie", "parisianpatisserie.fr"), ("Milano Moda", "milanomoda.it"),
    ("Iberia Telecom", "iberiatelecom.es"), ("Lisbon Digital", "lisbondigital.pt"), ("Warsaw Fintech", "warsawfintech.pl"),
    ("Tokyo Pixel", "tokyopixel.jp"), ("Seoul Commerce", "seoulcommerce.kr"), ("Bangalore Bytes", "bangalorebytes.in"),
    ("Lagos Payments", "lagospay.ng"), ("Nairobi Health", "nairobihealth.ke"), ("Cape Town Tours", "capetowntours.co.za"),
    ("Sydney Surfwear", "sydneysurfwear.com.au"), ("Auckland Agri", "aucklandagri.co.nz"), ("Sao Paulo Retail", "spretail.com.br"),
    ("Mexico City Motors", "cdmxmotors.mx"), ("Toronto Health Tech", "torontohealthtech.ca"), ("London Ledger", "londonledger.co.uk"),
    ("Copperleaf Games", "copperleaf.games"), ("Bright Harbor Dental", "brightharbordental.com"), ("Sable Security Systems", "sablesecurity.com"),
    ("Dublin Data", "dublindata.ie"), ("Amsterdam Ad Tech", "amsterdamadtech.nl"), ("Stockholm Streaming", "stockholmstreaming.se"),
)  # fmt: skip

# Email local-part formats; each company uses one (as real companies do).
EMAIL_FORMATS: tuple[str, ...] = (
    "{f}.{l}",
    "{fi}.{l}",
    "{fi}{l}",
    "{f}",
    "{f}_{l}",
    "{l}.{f}",
    "{f}{li}",
    "{f}.{l}",
)


def slug(name: str) -> str:
    """ASCII, lower case, letters and digits only: ``"O'Brien"`` -> ``"obrien"``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in ascii_name.lower() if c.isalnum())
