"""sync state (cursors, skipped records), the ERP, and the Shopify order mirror

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_cursor",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("synced_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_sync_cursor_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "kind", name=op.f("pk_sync_cursor")),
    )
    op.create_table(
        "skipped_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("report", sa.String(length=100), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("log_entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skipped_record")),
    )
    with op.batch_alter_table("skipped_record", schema=None) as batch_op:
        batch_op.create_index("ix_skipped_record_shop_report", ["shop_code", "report"], unique=False)
    _upgrade_erp()
    _upgrade_orders()


def _upgrade_erp() -> None:
    # --- ERP tables: begin
    op.create_table(
        "erp_customer",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("address", sa.String(length=100), server_default="", nullable=False),
        sa.Column("address_2", sa.String(length=50), server_default="", nullable=False),
        sa.Column("city", sa.String(length=30), server_default="", nullable=False),
        sa.Column("post_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("county", sa.String(length=30), server_default="", nullable=False),
        sa.Column("country_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("email", sa.String(length=80), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=30), server_default="", nullable=False),
        sa.Column("phone_digits", sa.String(length=30), server_default="", nullable=False),
        sa.Column("currency_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("customer_price_group", sa.String(length=20), server_default="", nullable=False),
        sa.Column("tax_area_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("blocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_erp_customer")),
    )
    with op.batch_alter_table("erp_customer", schema=None) as batch_op:
        batch_op.create_index("ix_erp_customer_email", ["email"], unique=False)
        batch_op.create_index("ix_erp_customer_phone_digits", ["phone_digits"], unique=False)

    op.create_table(
        "erp_gl_account",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("blocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_erp_gl_account")),
    )
    op.create_table(
        "erp_item",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.Column("type", sa.String(length=20), server_default="inventory", nullable=False),
        sa.Column("base_unit_of_measure", sa.String(length=10), server_default="", nullable=False),
        sa.Column("unit_price", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("unit_cost", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("vendor_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("vendor_item_no", sa.String(length=50), server_default="", nullable=False),
        sa.Column("tax_group_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("item_category_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("blocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("type IN ('inventory', 'service', 'non_inventory')", name=op.f("ck_erp_item_type")),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_erp_item")),
    )
    with op.batch_alter_table("erp_item", schema=None) as batch_op:
        batch_op.create_index("ix_erp_item_vendor_item_no", ["vendor_item_no"], unique=False)

    op.create_table(
        "erp_location",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("blocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_erp_location")),
    )
    op.create_table(
        "erp_no_series",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=10), server_default="", nullable=False),
        sa.Column("digits", sa.Integer(), server_default="6", nullable=False),
        sa.Column("last_no", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_erp_no_series")),
    )
    op.create_table(
        "erp_posted_credit_memo",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("order_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("pre_assigned_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("sell_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("bill_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("ship_to_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address_2", sa.String(length=50), server_default="", nullable=False),
        sa.Column("ship_to_city", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_post_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("ship_to_county", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_country_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("currency_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("external_document_no", sa.String(length=35), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=True),
        sa.Column("shopify_order_no", sa.String(length=50), server_default="", nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prices_including_tax", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "invoice_discount_amount",
            shopops.store.types.Money(precision=18, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "amount_including_tax", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("applies_to_doc_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("shopify_refund_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_erp_posted_credit_memo")),
    )
    with op.batch_alter_table("erp_posted_credit_memo", schema=None) as batch_op:
        batch_op.create_index(
            "ix_erp_posted_credit_memo_shopify_order", ["shop_code", "shopify_order_id"], unique=False
        )

    op.create_table(
        "erp_posted_invoice",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("order_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("pre_assigned_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("sell_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("bill_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("ship_to_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address_2", sa.String(length=50), server_default="", nullable=False),
        sa.Column("ship_to_city", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_post_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("ship_to_county", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_country_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("currency_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("external_document_no", sa.String(length=35), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=True),
        sa.Column("shopify_order_no", sa.String(length=50), server_default="", nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prices_including_tax", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "invoice_discount_amount",
            shopops.store.types.Money(precision=18, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "amount_including_tax", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_erp_posted_invoice")),
    )
    with op.batch_alter_table("erp_posted_invoice", schema=None) as batch_op:
        batch_op.create_index("ix_erp_posted_invoice_order_no", ["order_no"], unique=False)
        batch_op.create_index("ix_erp_posted_invoice_shopify_order", ["shop_code", "shopify_order_id"], unique=False)

    op.create_table(
        "erp_posted_shipment",
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("order_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("pre_assigned_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("sell_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("bill_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("ship_to_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address_2", sa.String(length=50), server_default="", nullable=False),
        sa.Column("ship_to_city", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_post_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("ship_to_county", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_country_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("currency_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("external_document_no", sa.String(length=35), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=True),
        sa.Column("shopify_order_no", sa.String(length=50), server_default="", nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shipping_agent_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("shipping_agent_service_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("tracking_no", sa.String(length=50), server_default="", nullable=False),
        sa.Column("tracking_url", sa.String(length=250), server_default="", nullable=False),
        sa.Column("shopify_fulfillment_id", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("no", name=op.f("pk_erp_posted_shipment")),
    )
    with op.batch_alter_table("erp_posted_shipment", schema=None) as batch_op:
        batch_op.create_index("ix_erp_posted_shipment_order_no", ["order_no"], unique=False)
        batch_op.create_index("ix_erp_posted_shipment_to_sync", ["shop_code", "shopify_fulfillment_id"], unique=False)

    op.create_table(
        "erp_shipping_agent",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=50), server_default="", nullable=False),
        sa.Column("internet_address", sa.String(length=250), server_default="", nullable=False),
        sa.Column("shopify_tracking_company", sa.String(length=50), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_erp_shipping_agent")),
    )
    op.create_table(
        "erp_item_reference",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("reference_type", sa.String(length=20), nullable=False),
        sa.Column("reference_no", sa.String(length=50), nullable=False),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.CheckConstraint(
            "reference_type IN ('barcode', 'vendor')", name=op.f("ck_erp_item_reference_reference_type")
        ),
        sa.ForeignKeyConstraint(
            ["item_no"], ["erp_item.no"], name=op.f("fk_erp_item_reference_item_no_erp_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erp_item_reference")),
    )
    with op.batch_alter_table("erp_item_reference", schema=None) as batch_op:
        batch_op.create_index("ix_erp_item_reference_lookup", ["reference_type", "reference_no"], unique=False)
        batch_op.create_index(
            "uq_erp_item_reference_key", ["item_no", "variant_code", "reference_type", "reference_no"], unique=True
        )

    op.create_table(
        "erp_item_variant",
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.Column("blocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_no"], ["erp_item.no"], name=op.f("fk_erp_item_variant_item_no_erp_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_no", "code", name=op.f("pk_erp_item_variant")),
    )
    op.create_table(
        "erp_posted_credit_memo_line",
        sa.Column("document_no", sa.String(length=20), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.Column("unit_of_measure_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("quantity", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("unit_price", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "line_discount_amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column(
            "inv_discount_amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("tax_percent", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "amount_including_tax", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("shopify_line_type", sa.String(length=20), server_default="", nullable=False),
        sa.Column("shopify_order_line_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_no"],
            ["erp_posted_credit_memo.no"],
            name=op.f("fk_erp_posted_credit_memo_line_document_no_erp_posted_credit_memo"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_no", "line_no", name=op.f("pk_erp_posted_credit_memo_line")),
    )
    op.create_table(
        "erp_posted_invoice_line",
        sa.Column("document_no", sa.String(length=20), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.Column("unit_of_measure_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("quantity", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("order_line_no", sa.Integer(), nullable=True),
        sa.Column("unit_price", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "line_discount_amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column(
            "inv_discount_amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("tax_percent", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "amount_including_tax", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("shopify_line_type", sa.String(length=20), server_default="", nullable=False),
        sa.Column("shopify_order_line_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_no"],
            ["erp_posted_invoice.no"],
            name=op.f("fk_erp_posted_invoice_line_document_no_erp_posted_invoice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_no", "line_no", name=op.f("pk_erp_posted_invoice_line")),
    )
    op.create_table(
        "erp_posted_shipment_line",
        sa.Column("document_no", sa.String(length=20), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.Column("unit_of_measure_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("quantity", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("order_line_no", sa.Integer(), nullable=True),
        sa.Column("shopify_line_type", sa.String(length=20), server_default="", nullable=False),
        sa.Column("shopify_order_line_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_no"],
            ["erp_posted_shipment.no"],
            name=op.f("fk_erp_posted_shipment_line_document_no_erp_posted_shipment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_no", "line_no", name=op.f("pk_erp_posted_shipment_line")),
    )
    op.create_table(
        "erp_sales_header",
        sa.Column("document_type", sa.String(length=20), nullable=False),
        sa.Column("no", sa.String(length=20), nullable=False),
        sa.Column("sell_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("bill_to_customer_no", sa.String(length=20), nullable=False),
        sa.Column("bill_to_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("bill_to_address", sa.String(length=100), server_default="", nullable=False),
        sa.Column("bill_to_address_2", sa.String(length=50), server_default="", nullable=False),
        sa.Column("bill_to_city", sa.String(length=30), server_default="", nullable=False),
        sa.Column("bill_to_post_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("bill_to_county", sa.String(length=30), server_default="", nullable=False),
        sa.Column("bill_to_country_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("ship_to_name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address", sa.String(length=100), server_default="", nullable=False),
        sa.Column("ship_to_address_2", sa.String(length=50), server_default="", nullable=False),
        sa.Column("ship_to_city", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_post_code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("ship_to_county", sa.String(length=30), server_default="", nullable=False),
        sa.Column("ship_to_country_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("email", sa.String(length=80), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=30), server_default="", nullable=False),
        sa.Column("currency_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("prices_including_tax", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("posting_date", sa.Date(), nullable=True),
        sa.Column("external_document_no", sa.String(length=35), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("shipment_method_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("shipping_agent_code", sa.String(length=10), nullable=True),
        sa.Column("shipping_agent_service_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("package_tracking_no", sa.String(length=50), server_default="", nullable=False),
        sa.Column("payment_method_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column(
            "invoice_discount_amount",
            shopops.store.types.Money(precision=18, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column("applies_to_doc_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("work_description", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="open", nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=True),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=True),
        sa.Column("shopify_order_no", sa.String(length=50), server_default="", nullable=False),
        sa.Column("shopify_refund_id", sa.BigInteger(), nullable=True),
        sa.Column("posting_error", sa.Text(), nullable=True),
        sa.Column("posted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("last_shipment_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("last_posting_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "document_type IN ('order', 'invoice', 'credit_memo')", name=op.f("ck_erp_sales_header_document_type")
        ),
        sa.CheckConstraint("status IN ('open', 'released')", name=op.f("ck_erp_sales_header_status")),
        sa.CheckConstraint(
            "shopify_order_id IS NULL OR shop_code IS NOT NULL", name=op.f("ck_erp_sales_header_shopify_needs_shop")
        ),
        sa.ForeignKeyConstraint(
            ["bill_to_customer_no"],
            ["erp_customer.no"],
            name=op.f("fk_erp_sales_header_bill_to_customer_no_erp_customer"),
        ),
        sa.ForeignKeyConstraint(
            ["location_code"], ["erp_location.code"], name=op.f("fk_erp_sales_header_location_code_erp_location")
        ),
        sa.ForeignKeyConstraint(
            ["sell_to_customer_no"],
            ["erp_customer.no"],
            name=op.f("fk_erp_sales_header_sell_to_customer_no_erp_customer"),
        ),
        sa.ForeignKeyConstraint(
            ["shipping_agent_code"],
            ["erp_shipping_agent.code"],
            name=op.f("fk_erp_sales_header_shipping_agent_code_erp_shipping_agent"),
        ),
        sa.PrimaryKeyConstraint("document_type", "no", name=op.f("pk_erp_sales_header")),
    )
    with op.batch_alter_table("erp_sales_header", schema=None) as batch_op:
        batch_op.create_index("ix_erp_sales_header_batch", ["document_type", "posted", "status"], unique=False)
        batch_op.create_index(
            "uq_erp_sales_header_shopify_order",
            ["shop_code", "shopify_order_id", "document_type"],
            unique=True,
            sqlite_where=sa.text("shopify_refund_id IS NULL"),
            postgresql_where=sa.text("shopify_refund_id IS NULL"),
        )
        batch_op.create_index(
            "uq_erp_sales_header_shopify_refund",
            ["shop_code", "shopify_refund_id"],
            unique=True,
            sqlite_where=sa.text("shopify_refund_id IS NOT NULL"),
            postgresql_where=sa.text("shopify_refund_id IS NOT NULL"),
        )

    op.create_table(
        "erp_stock_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_type", sa.String(length=30), nullable=False),
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=False),
        sa.Column("quantity", shopops.store.types.Money(precision=18, scale=4), nullable=False),
        sa.Column("document_type", sa.String(length=30), server_default="", nullable=False),
        sa.Column("document_no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("document_line_no", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.Column("posting_date", sa.Date(), nullable=False),
        sa.Column("created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "entry_type IN ('purchase', 'sale', 'positive_adjustment', 'negative_adjustment', 'transfer')",
            name=op.f("ck_erp_stock_entry_entry_type"),
        ),
        sa.ForeignKeyConstraint(["item_no"], ["erp_item.no"], name=op.f("fk_erp_stock_entry_item_no_erp_item")),
        sa.ForeignKeyConstraint(
            ["location_code"], ["erp_location.code"], name=op.f("fk_erp_stock_entry_location_code_erp_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erp_stock_entry")),
    )
    with op.batch_alter_table("erp_stock_entry", schema=None) as batch_op:
        batch_op.create_index("ix_erp_stock_entry_document", ["document_no"], unique=False)
        batch_op.create_index("ix_erp_stock_entry_item", ["item_no", "variant_code", "location_code"], unique=False)

    op.create_table(
        "erp_sales_line",
        sa.Column("document_type", sa.String(length=20), nullable=False),
        sa.Column("document_no", sa.String(length=20), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("no", sa.String(length=20), server_default="", nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("location_code", sa.String(length=10), nullable=True),
        sa.Column("description", sa.String(length=100), server_default="", nullable=False),
        sa.Column("unit_of_measure_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("quantity", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "quantity_shipped", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column(
            "quantity_invoiced", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("unit_price", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "line_discount_amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column(
            "inv_discount_amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("tax_percent", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False),
        sa.Column(
            "amount_including_tax", shopops.store.types.Money(precision=18, scale=4), server_default="0", nullable=False
        ),
        sa.Column("shopify_line_type", sa.String(length=20), server_default="", nullable=False),
        sa.Column("shopify_order_line_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("type IN ('item', 'gl_account', 'comment')", name=op.f("ck_erp_sales_line_type")),
        sa.ForeignKeyConstraint(
            ["document_type", "document_no"],
            ["erp_sales_header.document_type", "erp_sales_header.no"],
            name=op.f("fk_erp_sales_line_document_type_erp_sales_header"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_type", "document_no", "line_no", name=op.f("pk_erp_sales_line")),
    )
    with op.batch_alter_table("erp_sales_line", schema=None) as batch_op:
        batch_op.create_index("ix_erp_sales_line_item", ["no", "variant_code", "location_code"], unique=False)
        batch_op.create_index(
            "uq_erp_sales_line_shopify_line",
            ["document_type", "document_no", "shopify_line_type", "shopify_order_line_id"],
            unique=True,
        )
    # --- ERP tables: end


def _upgrade_orders() -> None:
    # --- order mirror tables: begin
    op.create_table(
        "shopify_fulfillment_order",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("request_status", sa.String(length=30), nullable=True),
        sa.Column("location_id", sa.BigInteger(), nullable=True),
        sa.Column("shopify_updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_fulfillment_order"),
    )
    with op.batch_alter_table("shopify_fulfillment_order", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_fulfillment_order_order", ["shop_code", "order_id"], unique=False)

    op.create_table(
        "shopify_fulfillment_order_line",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("fulfillment_order_id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_id", sa.BigInteger(), nullable=True),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("total_quantity", sa.Integer(), nullable=True),
        sa.Column("remaining_quantity", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_fulfillment_order_line"),
    )
    with op.batch_alter_table("shopify_fulfillment_order_line", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_fulfillment_order_line_order", ["shop_code", "order_id"], unique=False)

    op.create_table(
        "shopify_order_line",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        sa.Column("variant_id", sa.BigInteger(), nullable=True),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("variant_title", sa.String(length=255), nullable=True),
        sa.Column("vendor", sa.String(length=100), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("current_quantity", sa.Integer(), nullable=False),
        sa.Column("refunded_quantity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("fulfillable_quantity", sa.Integer(), nullable=True),
        sa.Column("unit_price", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_unit_price", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("discount_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_discount_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("line_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_line_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("is_gift_card", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_tip", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("taxable", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("requires_shipping", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("location_id", sa.BigInteger(), nullable=True),
        sa.Column("attributes", shopops.store.types.JSONText(), nullable=True),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_order_line"),
    )
    with op.batch_alter_table("shopify_order_line", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_order_line_order", ["shop_code", "order_id"], unique=False)

    op.create_table(
        "shopify_order_shipping_line",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("shipping_line_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("code", sa.String(length=255), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("discounted_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_discounted_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.PrimaryKeyConstraint("shop_code", "order_id", "position", name="pk_shopify_order_shipping_line"),
    )
    op.create_table(
        "shopify_order_tax_line",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("rate", sa.String(length=20), nullable=True),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("channel_liable", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint(
            "shop_code", "order_id", "source", "source_id", "position", name="pk_shopify_order_tax_line"
        ),
    )
    op.create_table(
        "shopify_order_transaction",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("gateway", sa.String(length=100), nullable=True),
        sa.Column("test", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("presentment_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_currency_code", sa.String(length=3), nullable=True),
        sa.Column("shopify_created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("processed_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_order_transaction"),
    )
    with op.batch_alter_table("shopify_order_transaction", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_order_transaction_order", ["shop_code", "order_id"], unique=False)

    op.create_table(
        "shopify_refund",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("shopify_created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("processed_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("total_refunded", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_total_refunded", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("shipping_refunded", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("processed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_refund"),
    )
    with op.batch_alter_table("shopify_refund", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_refund_order", ["shop_code", "order_id"], unique=False)

    op.create_table(
        "shopify_refund_line",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("refund_id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_id", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("restock_type", sa.String(length=20), nullable=True),
        sa.Column("restocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("location_id", sa.BigInteger(), nullable=True),
        sa.Column("unit_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("subtotal_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("tax_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_refund_line"),
    )
    with op.batch_alter_table("shopify_refund_line", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_refund_line_order", ["shop_code", "order_id"], unique=False)

    op.create_table(
        "shopify_balance_transaction",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=True),
        sa.Column("test", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("transaction_date", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("fee", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("net", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("source_id", sa.BigInteger(), nullable=True),
        sa.Column("source_type", sa.String(length=40), nullable=True),
        sa.Column("source_order_transaction_id", sa.BigInteger(), nullable=True),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        sa.Column("payout_id", sa.BigInteger(), nullable=True),
        sa.Column("payout_status", sa.String(length=20), nullable=True),
        sa.Column("imported_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_balance_transaction_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_balance_transaction"),
    )
    with op.batch_alter_table("shopify_balance_transaction", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_balance_transaction_payout", ["shop_code", "payout_id"], unique=False)

    op.create_table(
        "shopify_dispute",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("type", sa.String(length=30), nullable=True),
        sa.Column("amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("reason", sa.String(length=50), nullable=True),
        sa.Column("network_reason_code", sa.String(length=20), nullable=True),
        sa.Column("initiated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("evidence_due_by", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("evidence_sent_on", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finalized_on", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("imported_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_dispute_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_dispute"),
    )
    op.create_table(
        "shopify_order",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("order_no", sa.String(length=50), nullable=True),
        sa.Column("order_number", sa.Integer(), nullable=True),
        sa.Column("shopify_created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("shopify_updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("processed_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=30), nullable=True),
        sa.Column("closed_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("confirmed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("test", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("edited", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("financial_status", sa.String(length=30), nullable=True),
        sa.Column("fulfillment_status", sa.String(length=30), nullable=True),
        sa.Column("return_status", sa.String(length=30), nullable=True),
        sa.Column("fully_paid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("unpaid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("refundable", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("risk_level", sa.String(length=20), nullable=True),
        sa.Column("high_risk", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("customer_email", sa.String(length=255), nullable=True),
        sa.Column("customer_name", sa.String(length=255), nullable=True),
        sa.Column("bill_to", shopops.store.types.JSONText(), nullable=True),
        sa.Column("ship_to", shopops.store.types.JSONText(), nullable=True),
        sa.Column("bill_to_country", sa.String(length=2), nullable=True),
        sa.Column("ship_to_country", sa.String(length=2), nullable=True),
        sa.Column("tags", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=100), nullable=True),
        sa.Column("po_number", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("discount_codes", sa.Text(), nullable=True),
        sa.Column("attributes", shopops.store.types.JSONText(), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("presentment_currency_code", sa.String(length=3), nullable=True),
        sa.Column("taxes_included", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("tax_exempt", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("total_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("subtotal_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("vat_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("discount_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("shipping_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("tip_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("current_total_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("refunded_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("outstanding_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_total_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_subtotal_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_vat_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_discount_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_shipping_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_tip_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("presentment_current_total_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("total_quantity", sa.Integer(), nullable=True),
        sa.Column("current_total_quantity", sa.Integer(), nullable=True),
        sa.Column("line_items_hash", sa.String(length=64), nullable=True),
        sa.Column("data_hash", sa.String(length=64), nullable=True),
        sa.Column("processed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sales_document_no", sa.String(length=20), nullable=True),
        sa.Column("processed_currency_handling", sa.String(length=20), nullable=True),
        sa.Column("has_error", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("has_conflict", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("conflict_reason", sa.Text(), nullable=True),
        sa.Column("imported_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_order_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_order"),
    )
    with op.batch_alter_table("shopify_order", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_order_processed", ["shop_code", "processed"], unique=False)

    op.create_table(
        "shopify_order_to_import",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("order_no", sa.String(length=50), nullable=True),
        sa.Column("order_created_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("order_updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("test", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("confirmed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("closed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("cancelled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("fully_paid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("unpaid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("risk_level", sa.String(length=20), nullable=True),
        sa.Column("high_risk", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("financial_status", sa.String(length=30), nullable=True),
        sa.Column("fulfillment_status", sa.String(length=30), nullable=True),
        sa.Column("order_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("vat_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("total_quantity", sa.Integer(), nullable=True),
        sa.Column("tags", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=100), nullable=True),
        sa.Column("bill_to_country", sa.String(length=2), nullable=True),
        sa.Column("ship_to_country", sa.String(length=2), nullable=True),
        sa.Column("import_action", sa.String(length=10), nullable=False),
        sa.Column("has_error", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("staged_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("import_action IN ('new', 'update')", name=op.f("ck_shopify_order_to_import_import_action")),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_order_to_import_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopify_order_to_import")),
        sa.UniqueConstraint("shop_code", "order_id", name="uq_shopify_order_to_import_shop_order"),
    )
    op.create_table(
        "shopify_payout",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("issued_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("transaction_type", sa.String(length=20), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("net_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("gross_amount", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("charges_gross", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("charges_fee", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("refunds_gross", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("refunds_fee", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("adjustments_gross", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("adjustments_fee", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("external_trace_id", sa.String(length=100), nullable=True),
        sa.Column("imported_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_payout_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_payout"),
    )
    # --- order mirror tables: end


def downgrade() -> None:
    _downgrade_orders()
    _downgrade_erp()
    op.drop_table("skipped_record")
    op.drop_table("sync_cursor")


def _downgrade_erp() -> None:
    # --- ERP tables (drop, reverse order): begin
    with op.batch_alter_table("erp_sales_line", schema=None) as batch_op:
        batch_op.drop_index("uq_erp_sales_line_shopify_line")
        batch_op.drop_index("ix_erp_sales_line_item")

    op.drop_table("erp_sales_line")
    with op.batch_alter_table("erp_stock_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_erp_stock_entry_item")
        batch_op.drop_index("ix_erp_stock_entry_document")

    op.drop_table("erp_stock_entry")
    with op.batch_alter_table("erp_sales_header", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_erp_sales_header_shopify_refund",
            sqlite_where=sa.text("shopify_refund_id IS NOT NULL"),
            postgresql_where=sa.text("shopify_refund_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_erp_sales_header_shopify_order",
            sqlite_where=sa.text("shopify_refund_id IS NULL"),
            postgresql_where=sa.text("shopify_refund_id IS NULL"),
        )
        batch_op.drop_index("ix_erp_sales_header_batch")

    op.drop_table("erp_sales_header")
    op.drop_table("erp_posted_shipment_line")
    op.drop_table("erp_posted_invoice_line")
    op.drop_table("erp_posted_credit_memo_line")
    op.drop_table("erp_item_variant")
    with op.batch_alter_table("erp_item_reference", schema=None) as batch_op:
        batch_op.drop_index("uq_erp_item_reference_key")
        batch_op.drop_index("ix_erp_item_reference_lookup")

    op.drop_table("erp_item_reference")
    op.drop_table("erp_shipping_agent")
    with op.batch_alter_table("erp_posted_shipment", schema=None) as batch_op:
        batch_op.drop_index("ix_erp_posted_shipment_to_sync")
        batch_op.drop_index("ix_erp_posted_shipment_order_no")

    op.drop_table("erp_posted_shipment")
    with op.batch_alter_table("erp_posted_invoice", schema=None) as batch_op:
        batch_op.drop_index("ix_erp_posted_invoice_shopify_order")
        batch_op.drop_index("ix_erp_posted_invoice_order_no")

    op.drop_table("erp_posted_invoice")
    with op.batch_alter_table("erp_posted_credit_memo", schema=None) as batch_op:
        batch_op.drop_index("ix_erp_posted_credit_memo_shopify_order")

    op.drop_table("erp_posted_credit_memo")
    op.drop_table("erp_no_series")
    op.drop_table("erp_location")
    with op.batch_alter_table("erp_item", schema=None) as batch_op:
        batch_op.drop_index("ix_erp_item_vendor_item_no")

    op.drop_table("erp_item")
    op.drop_table("erp_gl_account")
    with op.batch_alter_table("erp_customer", schema=None) as batch_op:
        batch_op.drop_index("ix_erp_customer_phone_digits")
        batch_op.drop_index("ix_erp_customer_email")

    op.drop_table("erp_customer")
    # --- ERP tables (drop, reverse order): end


def _downgrade_orders() -> None:
    # --- order mirror tables (drop, reverse order): begin
    op.drop_table("shopify_payout")
    op.drop_table("shopify_order_to_import")
    with op.batch_alter_table("shopify_order", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_order_processed")

    op.drop_table("shopify_order")
    op.drop_table("shopify_dispute")
    with op.batch_alter_table("shopify_balance_transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_balance_transaction_payout")

    op.drop_table("shopify_balance_transaction")
    with op.batch_alter_table("shopify_refund_line", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_refund_line_order")

    op.drop_table("shopify_refund_line")
    with op.batch_alter_table("shopify_refund", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_refund_order")

    op.drop_table("shopify_refund")
    with op.batch_alter_table("shopify_order_transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_order_transaction_order")

    op.drop_table("shopify_order_transaction")
    op.drop_table("shopify_order_tax_line")
    op.drop_table("shopify_order_shipping_line")
    with op.batch_alter_table("shopify_order_line", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_order_line_order")

    op.drop_table("shopify_order_line")
    with op.batch_alter_table("shopify_fulfillment_order_line", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_fulfillment_order_line_order")

    op.drop_table("shopify_fulfillment_order_line")
    with op.batch_alter_table("shopify_fulfillment_order", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_fulfillment_order_order")

    op.drop_table("shopify_fulfillment_order")
    # --- order mirror tables (drop, reverse order): end
