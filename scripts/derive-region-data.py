#!/usr/bin/env python3
"""Derives Housecall's shipped region data (data/region/) from the raw sources in
../shared/geodata. Standard library only; run from the repository root:

    python3 scripts/derive-region-data.py ../shared/geodata

Outputs (formats documented in data/README.md):
  areas.geojson        service-area polygons from the full-resolution boundaries, simplified
                       within ~5 m (Douglas-Peucker), 5 decimals
  postal_codes.csv     full postal codes: code,lat,lon (lat and lon empty where GeoNames'
                       point is suspect: such codes are placed at their FSA's centre)
  fsa.csv              forward sortation areas at the median of their codes: fsa,lat,lon,codes
  places.csv           towns, neighbourhoods and hamlets: name,lat,lon,source
  roads/nodes.csv      road-graph nodes: id,name,kind,lat,lon
  roads/edges.csv      road-graph edges: from,to,road,class,zone,length_m,speed_kmh,oneway
The road graph is the hand-drawn proposal plus the arterials in EXTRA_NODES / EXTRA_EDGES.
"""
import csv, json, math, os, sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/geodata"
OUT = "data/region"

def dp(points, tol):
    """Douglas-Peucker simplification of an open polyline."""
    if len(points) < 3:
        return points
    a, b = points[0], points[-1]
    dx, dy = b[0] - a[0], b[1] - a[1]
    norm = math.hypot(dx, dy)
    best, idx = -1.0, 0
    for i in range(1, len(points) - 1):
        p = points[i]
        d = abs(dy * (p[0] - a[0]) - dx * (p[1] - a[1])) / norm if norm else math.hypot(p[0] - a[0], p[1] - a[1])
        if d > best:
            best, idx = d, i
    if best <= tol:
        return [a, b]
    return dp(points[: idx + 1], tol)[:-1] + dp(points[idx:], tol)

def hull(points):
    """Convex hull (Andrew's monotone chain), counter-clockwise, closed."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts
    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    h = lower[:-1] + upper[:-1]
    return h + [h[0]]

def octagon(lon, lat, metres):
    """A small octagon around a point, for a postal code outside a town's hull."""
    dy = metres / 111_320
    dx = metres / (111_320 * math.cos(math.radians(lat)))
    pts = [[round(lon + dx * math.cos(math.pi * k / 4), 5), round(lat + dy * math.sin(math.pi * k / 4), 5)] for k in range(8)]
    return pts + [pts[0]]

def orangeville():
    """No official boundary is at hand: the convex hull of the GeoNames postal codes named
    Orangeville within CORE_KM of their median (the town), plus an octagon of OUTLIER_M
    around each code farther out (rural routes served from the Orangeville post office), so
    that every Orangeville postal code lies in the area. Marked approximate."""
    rows = [r for r in csv.DictReader(open(f"{SRC}/postal/geonames_postal_codes_gta_west.csv"))
            if r["place_name"] == "Orangeville" and r["suspect"] == "0"]
    pts = [(float(r["lon"]), float(r["lat"])) for r in rows]
    mlon = sorted(p[0] for p in pts)[len(pts) // 2]
    mlat = sorted(p[1] for p in pts)[len(pts) // 2]
    km = lambda p: math.hypot((p[0] - mlon) * 111.32 * math.cos(math.radians(mlat)), (p[1] - mlat) * 111.32)
    core = [p for p in pts if km(p) <= CORE_KM]
    out = sorted(set(p for p in pts if km(p) > CORE_KM))
    # Scaled out about the median so that the codes at its corners lie inside, not on it.
    scale = 1 + HULL_MARGIN_KM / CORE_KM
    h = [(mlon + (x - mlon) * scale, mlat + (y - mlat) * scale) for x, y in hull(core)]
    shape = [[[[round(x, 5), round(y, 5)] for x, y in h]]]
    shape += [[octagon(x, y, OUTLIER_M)] for x, y in out]
    src = (f"APPROXIMATION: convex hull of the {len(core)} GeoNames postal-code points named \"Orangeville\" "
           f"within {CORE_KM} km of their median, plus {OUTLIER_M} m around each of the {len(out)} farther out "
           "(postal/geonames_postal_codes_gta_west.csv). Not an official boundary.")
    return shape, src

CORE_KM = 3.0
HULL_MARGIN_KM = 0.04
OUTLIER_M = 150
FINE = 0.00005  # degrees, about 4-6 m: full-resolution boundaries, simplified only this much

def ring(r):
    s = dp(r, FINE)
    s = [[round(x, 5), round(y, 5)] for x, y in s]
    if s[0] != s[-1]:
        s.append(s[0])
    return s if len(s) >= 4 else None

def polys(geom):
    ps = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    out = []
    for p in ps:
        rings = [ring(r) for r in p]
        if rings[0]:
            out.append([r for r in rings if r])
    return out

def areas():
    """Service areas from the full-resolution boundaries: Ontario MNRF municipal boundaries
    (mainland and islands, not water), Toronto wards 1-3 as Etobicoke, the Guelph wards,
    and the approximate Orangeville."""
    lio = json.load(open(f"{SRC}/boundaries/ontario_municipal_boundary_lower_single_tier_gtha.geojson"))
    wards = json.load(open(f"{SRC}/boundaries/toronto_wards_2018.geojson"))
    guelph = json.load(open(f"{SRC}/boundaries/guelph_wards_2018.geojson"))
    lio_src = ('Ontario MNRF/LIO "Municipal Boundary - Lower and Single Tier" (effective 2024-02-15), '
               "GTHA subset as stored in github.com/turtlemania08/gtha-map, OGL-Ontario")
    etob = []
    for f in wards["features"]:
        if f["properties"]["ward"] in ("01", "02", "03"):
            etob += polys(f["geometry"])
    oville, oville_src = orangeville()
    # Lookup order: most specific first (a point in Etobicoke is Etobicoke, not Toronto);
    # Orangeville's outlying codes win over the rural municipality around them.
    feats = [("Etobicoke", etob, "City of Toronto wards 1-3 (2018), OGL-Toronto", False),
             ("Orangeville", oville, oville_src, True)]
    names = {"TORONTO": "Toronto", "MISSISSAUGA": "Mississauga", "BRAMPTON": "Brampton",
             "CALEDON": "Caledon", "OAKVILLE": "Oakville", "MILTON": "Milton",
             "HALTON HILLS": "Halton Hills"}
    for short, name in names.items():
        shape = []
        for f in lio["features"]:
            p = f["properties"]
            if p["MUNICIPAL_NAME_SHORTFORM"] == short and p["MUNICIPAL_AREA_EXTENT_TYPE"] != "Water":
                shape += polys(f["geometry"])
        feats.append((name, shape, lio_src, False))
    g = []
    for f in guelph["features"]:
        g += polys(f["geometry"])
    feats.append(("Guelph", g, "City of Guelph wards (2018) as stored in github.com/opennorth/represent-canada-data, "
                  "City of Guelph Open Government Licence", False))
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": n, "source": s, "approximate": a},
         "geometry": {"type": "MultiPolygon", "coordinates": c}} for n, c, s, a in feats]}
    with open(f"{OUT}/areas.geojson", "w") as f:
        f.write('{"type": "FeatureCollection", "features": [\n')
        f.write(",\n".join(json.dumps(x, separators=(",", ":")) for x in doc["features"]))
        f.write("\n]}\n")

def postal():
    rows = list(csv.DictReader(open(f"{SRC}/postal/geonames_postal_codes_gta_west.csv")))
    with open(f"{OUT}/postal_codes.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "lat", "lon"])
        for r in sorted(rows, key=lambda r: r["postal_code"]):
            code = r["postal_code"].replace(" ", "")
            if r["suspect"] == "0":
                w.writerow([code, f"{float(r['lat']):.4f}", f"{float(r['lon']):.4f}"])
            else:
                w.writerow([code, "", ""])
    with open(f"{OUT}/fsa.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["fsa", "lat", "lon", "codes"])
        for r in csv.DictReader(open(f"{SRC}/postal/fsa_centroids_gta_west.csv")):
            w.writerow([r["fsa"], f"{float(r['median_lat']):.4f}", f"{float(r['median_lon']):.4f}", r["n_postal_codes"]])

def places():
    seen = {}
    for r in csv.DictReader(open(f"{SRC}/places/geonames_places_gta_west.csv")):
        seen.setdefault(r["name"].lower(), (r["name"], float(r["lat"]), float(r["lon"]), "geonames"))
    for r in csv.DictReader(open(f"{SRC}/places/postal_place_centroids_gta_west.csv")):
        if int(r["n_postal_codes"]) >= 3:
            seen.setdefault(r["place_name"].lower(), (r["place_name"], float(r["median_lat"]), float(r["median_lon"]), "postal-median"))
    with open(f"{OUT}/places.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "lat", "lon", "source"])
        for k in sorted(seen):
            n, la, lo, s = seen[k]
            w.writerow([n, f"{la:.4f}", f"{lo:.4f}", s])

# Arterials added to the proposal so that neighbourhoods and towns are joined by the roads
# people drive (approximate positions, like the proposal's).
EXTRA_NODES = [
    ("SPRINGDALE", "Springdale (Sandalwood Pkwy & Bramalea Rd)", "town", 43.7450, -79.7300),
    ("BRAM_SANDALWOOD_HURON", "Hurontario St & Sandalwood Pkwy", "arterial", 43.7280, -79.7870),
    ("CASTLEMORE", "Castlemore (Castlemore Rd & Goreway Dr)", "town", 43.7880, -79.6860),
    ("MISS_COOKSVILLE", "Cooksville (Hurontario St & Dundas St)", "town", 43.5790, -79.6160),
    ("MISS_ERINMILLS_TC", "Erin Mills Town Centre (Erin Mills Pkwy & Eglinton Ave)", "town", 43.5580, -79.7110),
    ("MISS_CHURCHILL", "Churchill Meadows (Ninth Line & Eglinton Ave)", "town", 43.5560, -79.7530),
    ("MISS_HEARTLAND", "Heartland (Mavis Rd & Britannia Rd)", "town", 43.6110, -79.6930),
    ("MILTON_DERRY", "Derry Rd & Thompson Rd (Milton east)", "arterial", 43.5260, -79.8500),
    ("OAK_UPPER", "Dundas St & Trafalgar Rd (north Oakville)", "arterial", 43.4890, -79.7150),
    ("ETOB_SOUTH", "Lake Shore Blvd W & Islington Ave (New Toronto)", "town", 43.6030, -79.5030),
    ("TOR_WEST", "Bloor St W & Dundas St W (The Junction / High Park)", "town", 43.6560, -79.4530),
    ("GUE_W", "Speedvale Ave W & Imperial Rd (west Guelph)", "town", 43.5620, -80.2900),
]
EXTRA_EDGES = [
    ("SPRINGDALE", "BRAM_BCC", "Bramalea Rd", "arterial", 60, 1.25),
    ("SPRINGDALE", "H410_BOVAIRD", "Bovaird Dr E", "arterial", 60, 1.25),
    ("SPRINGDALE", "CASTLEMORE", "Countryside Dr / Airport Rd", "arterial", 60, 1.25),
    ("SPRINGDALE", "BRAM_SANDALWOOD_HURON", "Sandalwood Pkwy", "arterial", 60, 1.25),
    ("BRAM_SANDALWOOD_HURON", "BRAM_DT", "Main St N (Hwy 10)", "arterial", 60, 1.25),
    ("BRAM_SANDALWOOD_HURON", "H410_N_END", "Hurontario St (Hwy 10)", "arterial", 60, 1.25),
    ("BRAM_SANDALWOOD_HURON", "BRAM_MTPLEASANT", "Sandalwood Pkwy W / Creditview Rd", "arterial", 60, 1.25),
    ("CASTLEMORE", "H407_427", "Castlemore Rd / Hwy 50", "arterial", 70, 1.25),
    ("CASTLEMORE", "MALTON", "Airport Rd", "arterial", 70, 1.25),
    ("CASTLEMORE", "BOLTON", "The Gore Rd / Hwy 50", "arterial", 80, 1.25),
    ("MISS_COOKSVILLE", "MISS_CC", "Hurontario St", "arterial", 50, 1.25),
    ("MISS_COOKSVILLE", "QEW_HURONTARIO", "Hurontario St", "arterial", 50, 1.25),
    ("MISS_COOKSVILLE", "H403_CAWTHRA", "Dundas St E / Cawthra Rd", "arterial", 60, 1.25),
    ("MISS_ERINMILLS_TC", "H403_ERINMILLS", "Erin Mills Pkwy", "arterial", 70, 1.25),
    ("MISS_ERINMILLS_TC", "STREETSVILLE", "Eglinton Ave W / Queen St S", "arterial", 60, 1.25),
    ("MISS_ERINMILLS_TC", "MISS_CHURCHILL", "Eglinton Ave W", "arterial", 60, 1.25),
    ("MISS_ERINMILLS_TC", "QEW_ERINMILLS", "Erin Mills Pkwy", "arterial", 70, 1.25),
    ("MISS_CHURCHILL", "MEADOWVALE", "Ninth Line / Tenth Line W", "arterial", 60, 1.25),
    ("MISS_CHURCHILL", "H403_WINSTON", "Winston Churchill Blvd", "arterial", 70, 1.25),
    ("MISS_HEARTLAND", "H401_MAVIS", "Mavis Rd", "arterial", 60, 1.25),
    ("MISS_HEARTLAND", "STREETSVILLE", "Britannia Rd W", "arterial", 60, 1.25),
    ("MISS_HEARTLAND", "MISS_CC", "Eglinton Ave / Confederation Pkwy", "arterial", 60, 1.25),
    ("MISS_HEARTLAND", "H403_MAVIS", "Mavis Rd", "arterial", 60, 1.25),
    ("MEADOWVALE", "STREETSVILLE", "Battleford Rd / Britannia Rd W", "arterial", 60, 1.25),
    ("MILTON_DERRY", "MILTON_DT", "Derry Rd / Main St E", "arterial", 60, 1.25),
    ("MILTON_DERRY", "H401_JAMESSNOW", "James Snow Pkwy", "arterial", 70, 1.25),
    ("MILTON_DERRY", "MEADOWVALE", "Derry Rd W", "arterial", 70, 1.25),
    ("OAK_UPPER", "H407_TRAFALGAR", "Trafalgar Rd", "arterial", 70, 1.25),
    ("OAK_UPPER", "QEW_TRAFALGAR", "Trafalgar Rd", "arterial", 60, 1.25),
    ("OAK_UPPER", "QEW_403_FORD", "Dundas St E", "arterial", 70, 1.25),
    ("ETOB_SOUTH", "QEW_427_GARDINER", "Islington Ave / Evans Ave", "arterial", 50, 1.25),
    ("ETOB_SOUTH", "GARD_HUMBER", "Lake Shore Blvd W", "arterial", 50, 1.25),
    ("ETOB_SOUTH", "PORT_CREDIT", "Lakeshore Rd", "arterial", 50, 1.25),
    ("TOR_WEST", "ETOB_CTR", "Bloor St W", "arterial", 50, 1.25),
    ("TOR_WEST", "TOR_DT", "Dundas St W / College St", "arterial", 40, 1.25),
    ("TOR_WEST", "GARD_HUMBER", "Parkside Dr / Keele St", "arterial", 50, 1.25),
    ("MISS_CC", "H401_410_403", "Hurontario St", "arterial", 60, 1.25),
    ("MALTON", "H401_DIXIE", "Dixie Rd", "arterial", 60, 1.25),
    ("BRAM_BCC", "H401_DIXIE", "Dixie Rd", "arterial", 60, 1.25),
    ("GUE_W", "GUE_DT", "Speedvale Ave / Woolwich St", "arterial", 50, 1.25),
    ("GUE_W", "GUE_S", "Hwy 6 (Hanlon Expwy)", "expressway", 80, 1.12),
    # The northwest: the rural roads between Georgetown, Caledon and Brampton (issue 8's
    # drive-time table; Georgetown - Orangeville was 56 min, 35-40 is usual).
    ("GEORGETOWN", "CALEDON_VILLAGE", "Mountainview Rd / Winston Churchill Blvd / Hwy 10 (Terra Cotta)", "highway_2lane", 75, 1.12),
    ("GEORGETOWN", "MAYFIELD_HWY10", "Mayfield Rd", "arterial", 70, 1.25),
    ("MAYFIELD_HWY10", "BOLTON", "Mayfield Rd / Hwy 50", "arterial", 70, 1.25),
    ("GEORGETOWN", "ERIN", "Trafalgar Rd / Ballinafad Rd", "highway_2lane", 65, 1.2),
    ("CALEDON_EAST", "BRAM_SANDALWOOD_HURON", "Heart Lake Rd / Kennedy Rd", "arterial", 70, 1.2),
    ("INGLEWOOD", "CALEDON_VILLAGE", "Olde Base Line / Hwy 10", "highway_2lane", 70, 1.25),
]

# Corrections to the proposal's typical speeds (km/h), keyed by (from, to).
SPEED_OVERRIDES = {
    # Hwy 25 north of the 407 into Milton is a four-lane regional road posted 70-80 km/h.
    ("H407_HWY25", "MILTON_DT"): 65,
    # Off-peak typical speeds the proposal set too low for the table of issue 8.
    ("QEW_TRAFALGAR", "OAK_DT"): 45,  # Trafalgar Rd, four lanes south of the QEW
    ("H407_TRAFALGAR", "H401_TRAFALGAR"): 65,  # Trafalgar Rd north of the 407, rural
    ("GARD_HUMBER", "TOR_DT"): 60,  # the Gardiner off-peak
    ("QEW_427_GARDINER", "ETOB_CTR"): 40,  # Kipling Ave / Bloor St
    ("ETOB_CTR", "H401_427"): 50,  # to the 427 and along it to the 401
    ("BRAM_DT", "MAYFIELD_HWY10"): 48,  # Main St N / Hurontario north of Bovaird
    ("QEW_ERINMILLS", "QEW_HURONTARIO"): 85,  # the QEW off-peak
    ("QEW_HURONTARIO", "QEW_427_GARDINER"): 80,
}

def gc_m(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(min(1, math.sqrt(h)))

def zone(a, b):
    # Where rush hour bites: the urban core from Milton and Brampton east to Toronto.
    lat, lon = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    return "gta" if lon > -79.95 and lat < 43.80 else "outer"

def roads():
    os.makedirs(f"{OUT}/roads", exist_ok=True)
    nodes = [(r["id"], r["name"], r["kind"], float(r["lat"]), float(r["lon"]))
             for r in csv.DictReader(open(f"{SRC}/highway_graph_proposal/nodes.csv"))]
    nodes += EXTRA_NODES
    pos = {n[0]: (n[3], n[4]) for n in nodes}
    with open(f"{OUT}/roads/nodes.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "kind", "lat", "lon"])
        for n in nodes:
            w.writerow([n[0], n[1], n[2], f"{n[3]:.4f}", f"{n[4]:.4f}"])
    edges = [(r["from"], r["to"], r["road"], r["class"], int(r["typical_kmh"]), float(r["detour_factor"]))
             for r in csv.DictReader(open(f"{SRC}/highway_graph_proposal/edges.csv"))]
    edges = [(a, b, road, cls, SPEED_OVERRIDES.get((a, b), kmh), d) for a, b, road, cls, kmh, d in edges]
    edges += EXTRA_EDGES
    with open(f"{OUT}/roads/edges.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["from", "to", "road", "class", "zone", "length_m", "speed_kmh", "oneway"])
        for a, b, road, cls, kmh, detour in edges:
            w.writerow([a, b, road, cls, zone(pos[a], pos[b]), round(gc_m(pos[a], pos[b]) * detour), kmh, 0])

os.makedirs(OUT, exist_ok=True)
areas(); postal(); places(); roads()
