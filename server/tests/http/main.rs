//! Integration tests: the real server on a free port with a fresh database (SQLite, or
//! PostgreSQL when `BAZAAR_TEST_POSTGRES_URL` is set), spoken to over HTTP.

mod accounts;
mod addresses;
mod api;
mod api_tokens;
mod api_writes;
mod backup;
mod cart;
mod checkout;
mod cli;
mod crash;
mod discount_codes;
mod email_links;
mod helpers;
mod instances;
mod localstripe;
mod metrics;
mod operations;
mod pages;
mod photo_uploads;
mod photos;
mod search;
mod staff;
mod staff_categories;
mod staff_customers;
mod staff_dashboard;
mod staff_discounts;
mod staff_orders;
mod staff_products;
mod staff_stock;
mod stripe;
mod transfer;
mod two_factor;
mod webhooks;
