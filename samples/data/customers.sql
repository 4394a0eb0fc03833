-- Creates samples/data/customers.sqlite, the table that
-- samples/support-tickets.yaml looks customers up in:
--
--     sqlite3 samples/data/customers.sqlite < samples/data/customers.sql
--
CREATE TABLE IF NOT EXISTS customers (
    customer_id     TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    tier            TEXT NOT NULL CHECK (tier IN ('free', 'pro', 'premium', 'enterprise')),
    annual_revenue  REAL NOT NULL DEFAULT 0,
    account_manager TEXT,
    country         TEXT
);

INSERT OR REPLACE INTO customers VALUES
    ('cus_0001', 'Acme Analytics',       'enterprise', 184000.0, 'dana.ruiz',     'US'),
    ('cus_0002', 'Blue Harbor Travel',   'premium',     42000.0, 'sam.okafor',    'GB'),
    ('cus_0003', 'Nordlicht Apotheke',   'pro',          4800.0, NULL,            'DE'),
    ('cus_0004', 'Kumo Robotics',        'enterprise', 251500.0, 'aiko.tanaka',   'JP'),
    ('cus_0005', 'Maple Street Bakery',  'free',            0.0, NULL,            'CA'),
    ('cus_0006', 'Lumen Studio',         'pro',          2400.0, NULL,            'FR'),
    ('cus_0007', 'Harbourside Fitness',  'premium',     36000.0, 'liam.walsh',    'AU'),
    ('cus_0008', 'Verde Logistics',      'enterprise',  97000.0, 'dana.ruiz',     'NL'),
    ('cus_0009', 'Pixel & Pine',         'free',            0.0, NULL,            'NZ'),
    ('cus_0010', 'Sahyadri Foods',       'pro',          6000.0, NULL,            'IN');
