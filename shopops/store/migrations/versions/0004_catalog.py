"""catalog (products, prices, inventory, images, customers)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import shopops.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # --- catalog: begin
    op.create_table(
        "erp_price_list_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_no", sa.String(length=20), nullable=False),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("price_group", sa.String(length=20), server_default="", nullable=False),
        sa.Column("currency_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("starting_date", sa.Date(), nullable=True),
        sa.Column("unit_price", shopops.store.types.Money(precision=18, scale=4), nullable=False),
        sa.Column("compare_at_price", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("price_includes_tax", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_no"], ["erp_item.no"], name=op.f("fk_erp_price_list_line_item_no_erp_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erp_price_list_line")),
    )
    with op.batch_alter_table("erp_price_list_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_erp_price_list_line_lookup", ["item_no", "price_group", "currency_code"], unique=False
        )
    op.create_table(
        "shop_location",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("location_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), server_default="", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_primary", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_fulfillment_service", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("erp_location_filter", sa.String(length=250), server_default="", nullable=False),
        sa.Column("stock_calculation", sa.String(length=20), server_default="off", nullable=False),
        sa.Column("quantity_name", sa.String(length=20), server_default="available", nullable=False),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity_name IN ('available', 'on_hand')", name=op.f("ck_shop_location_quantity_name")),
        sa.CheckConstraint(
            "stock_calculation IN ('off', 'on_hand', 'available', 'projected')",
            name=op.f("ck_shop_location_stock_calculation"),
        ),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shop_location_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "location_id", name="pk_shop_location"),
    )
    op.create_table(
        "shopify_inventory_level",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("location_id", sa.BigInteger(), nullable=False),
        sa.Column("inventory_item_id", sa.BigInteger(), nullable=False),
        sa.Column("variant_id", sa.BigInteger(), nullable=True),
        sa.Column("shopify_quantity", sa.Integer(), nullable=True),
        sa.Column("erp_quantity", sa.Integer(), nullable=True),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_inventory_level_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "location_id", "inventory_item_id", name="pk_shopify_inventory_level"),
    )
    op.create_table(
        "shopify_product",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=255), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="", nullable=False),
        sa.Column("vendor", sa.String(length=255), server_default="", nullable=False),
        sa.Column("product_type", sa.String(length=255), server_default="", nullable=False),
        sa.Column("item_no", sa.String(length=20), nullable=True),
        sa.Column("shopify_updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_updated_by_erp_at", shopops.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("hash", sa.String(length=64), server_default="", nullable=False),
        sa.Column("has_error", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_product_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_product"),
    )
    with op.batch_alter_table("shopify_product", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_product_item", ["shop_code", "item_no"], unique=False)
    op.create_table(
        "shopify_variant",
        sa.Column("shop_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=255), server_default="", nullable=False),
        sa.Column("sku", sa.String(length=255), server_default="", nullable=False),
        sa.Column("barcode", sa.String(length=255), server_default="", nullable=False),
        sa.Column("price", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("compare_at_price", shopops.store.types.Money(precision=18, scale=4), nullable=True),
        sa.Column("inventory_item_id", sa.BigInteger(), nullable=True),
        sa.Column("item_no", sa.String(length=20), nullable=True),
        sa.Column("variant_code", sa.String(length=10), server_default="", nullable=False),
        sa.Column("hash", sa.String(length=64), server_default="", nullable=False),
        sa.Column("has_error", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("updated_at", shopops.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_code"], ["shop.code"], name=op.f("fk_shopify_variant_shop_code_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("shop_code", "id", name="pk_shopify_variant"),
    )
    with op.batch_alter_table("shopify_variant", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_variant_inventory_item", ["shop_code", "inventory_item_id"], unique=False)
        batch_op.create_index("ix_shopify_variant_item", ["shop_code", "item_no", "variant_code"], unique=False)
        batch_op.create_index("ix_shopify_variant_product", ["shop_code", "product_id"], unique=False)
    # --- catalog: end


def downgrade() -> None:
    # --- catalog (drop, reverse order): begin
    with op.batch_alter_table("shopify_variant", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_variant_product")
        batch_op.drop_index("ix_shopify_variant_item")
        batch_op.drop_index("ix_shopify_variant_inventory_item")
    op.drop_table("shopify_variant")
    with op.batch_alter_table("shopify_product", schema=None) as batch_op:
        batch_op.drop_index("ix_shopify_product_item")
    op.drop_table("shopify_product")
    op.drop_table("shopify_inventory_level")
    op.drop_table("shop_location")
    with op.batch_alter_table("erp_price_list_line", schema=None) as batch_op:
        batch_op.drop_index("ix_erp_price_list_line_lookup")
    op.drop_table("erp_price_list_line")
    # --- catalog (drop, reverse order): end
