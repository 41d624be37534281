-- 001: items, audit, places (gazetteer), photos metadata.
-- The GeoJSON a person saved is kept as given (geojson, props, extra: lossless);
-- the columns beside it are derived on every write so filters, counts and
-- viewport queries run in the database with indexes.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE items (
    id          text PRIMARY KEY,
    seq         bigserial NOT NULL,          -- store order (FileStore: position in the file)
    version     integer NOT NULL CHECK (version >= 1),
    plan        text,
    town        text,
    county      text,
    year        integer,
    area        text,
    status      text,
    category    text,
    precision   text,
    dropped     boolean NOT NULL DEFAULT false,
    search      text NOT NULL DEFAULT '',   -- geo.query.search_text(props): folded name/text/places/...
    updated_at  text,
    updated_by  text,
    props       jsonb NOT NULL,              -- the full properties as saved
    geojson     jsonb,                       -- the geometry exactly as saved (NULL: not located)
    extra       jsonb,                       -- other members of the Feature (e.g. bbox)
    geom        geometry(Geometry, 4326),    -- derived from geojson, for spatial indexes
    bxmin       double precision,            -- exact bounds, as geo.query.geometry_bounds computes them
    bymin       double precision,
    bxmax       double precision,
    bymax       double precision
);
CREATE INDEX items_geom_gist ON items USING gist (geom);
CREATE INDEX items_seq ON items (seq);
CREATE INDEX items_plan ON items (plan);
CREATE INDEX items_status ON items (status);
CREATE INDEX items_category ON items (category);
CREATE INDEX items_area ON items (area);
CREATE INDEX items_year ON items (year);
CREATE INDEX items_precision ON items (precision);

CREATE TABLE audit (
    seq      bigserial PRIMARY KEY,          -- order of the log
    ts       text NOT NULL,                  -- ISO time as recorded (text: copied back byte for byte)
    "user"   text NOT NULL,
    item     text NOT NULL,
    action   text NOT NULL,
    field    text,
    old      jsonb,
    new      jsonb,
    version  integer
);
CREATE INDEX audit_item ON audit (item, seq);

-- The gazetteer: places.geojson as rows (position kept so a copy back is the same file).
CREATE TABLE places (
    seq      integer PRIMARY KEY,
    id       text,
    name     text,
    kind     text,
    props    jsonb,
    geojson  jsonb,
    extra    jsonb,
    geom     geometry(Geometry, 4326)
);
CREATE INDEX places_geom_gist ON places USING gist (geom);
CREATE INDEX places_id ON places (id);
CREATE INDEX places_name ON places (name);

-- Members of a FeatureCollection other than "type" and "features" (e.g. sources, licence).
CREATE TABLE collections (
    name     text PRIMARY KEY,
    members  jsonb NOT NULL
);

-- Photos metadata, kept in step with each item's properties.photos on every write.
CREATE TABLE photos (
    item_id   text NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    pos       integer NOT NULL,
    file      text NOT NULL,
    caption   text,
    taken_at  text,
    added_by  text,
    added_at  text,
    geom      geometry(Point, 4326),
    PRIMARY KEY (item_id, pos)
);
CREATE INDEX photos_file ON photos (file);
CREATE INDEX photos_geom_gist ON photos USING gist (geom);
