"""Every GraphQL document the sandbox tests send, in one place.

``test_documents_valid.py`` checks each of them against the full real 2026-07 schema, so the sandbox
never answers a document that real Shopify would reject. Add new documents here, not inline in tests.
"""

from __future__ import annotations

SHOP = "query Shop { shop { id name currencyCode myshopifyDomain ianaTimezone plan { displayName } } }"

PRODUCTS_PAGE = """
query Products($first: Int!, $after: String, $query: String, $sortKey: ProductSortKeys, $reverse: Boolean) {
  products(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id title handle status vendor productType tags updatedAt createdAt totalInventory
      options { id name position values }
      variants(first: 50) { nodes { id title sku barcode price compareAtPrice position inventoryQuantity
        selectedOptions { name value } inventoryItem { id sku tracked } } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

PRODUCTS_BACKWARD = """
query ProductsBack($last: Int!, $before: String) {
  products(last: $last, before: $before) { nodes { id } pageInfo { hasPreviousPage hasNextPage startCursor } }
}
"""

PRODUCT = """
query Product($id: ID!) {
  product(id: $id) { id title handle status descriptionHtml updatedAt
    priceRangeV2 { minVariantPrice { amount currencyCode } maxVariantPrice { amount currencyCode } }
    media(first: 10) { nodes { id alt mediaContentType status ... on MediaImage { image { url altText } } } }
    featuredMedia { id }
    variants(first: 100) { nodes { id sku price title selectedOptions { name value } } }
  }
}
"""

VARIANTS_BY_SKU = """
query VariantsBySku($query: String!) {
  productVariants(first: 10, query: $query) { nodes { id sku product { id title } } }
}
"""

PRODUCT_CREATE = """
mutation ProductCreate($product: ProductCreateInput!, $media: [CreateMediaInput!]) {
  productCreate(product: $product, media: $media) {
    product { id title handle status options { name values } variants(first: 5) { nodes { id title } } }
    userErrors { field message }
  }
}
"""

PRODUCT_UPDATE = """
mutation ProductUpdate($product: ProductUpdateInput!) {
  productUpdate(product: $product) { product { id title tags updatedAt } userErrors { field message } }
}
"""

PRODUCT_SET = """
mutation ProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product { id title handle options { name values }
      variants(first: 50) { nodes { id sku price inventoryItem { id } selectedOptions { name value } } } }
    productSetOperation { id status }
    userErrors { field message code }
  }
}
"""

VARIANTS_BULK_CREATE = """
mutation VariantsBulkCreate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkCreate(productId: $productId, variants: $variants) {
    productVariants { id title sku price }
    userErrors { field message code }
  }
}
"""

VARIANTS_BULK_UPDATE = """
mutation VariantsBulkUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id price barcode updatedAt }
    userErrors { field message code }
  }
}
"""

LOCATIONS = """
query Locations($includeInactive: Boolean) {
  locations(first: 20, includeInactive: $includeInactive) {
    nodes { id name isActive isPrimary fulfillsOnlineOrders address { city countryCode } }
  }
}
"""

INVENTORY_ITEMS = """
query InventoryItems($query: String) {
  inventoryItems(first: 20, query: $query) {
    nodes { id sku updatedAt variant { id }
      inventoryLevels(first: 10) { nodes { id location { id name }
        quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } }
  }
}
"""

INVENTORY_LEVEL_AT = """
query LevelAt($item: ID!, $location: ID!) {
  inventoryItem(id: $item) { id inventoryLevel(locationId: $location) {
    quantities(names: ["available", "on_hand", "committed"]) { name quantity } } }
}
"""

INVENTORY_SET = """
mutation InventorySet($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { createdAt reason referenceDocumentUri changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}
"""

INVENTORY_SET_NO_KEY = """
mutation InventorySetNoKey($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) { userErrors { code field message } }
}
"""

INVENTORY_ACTIVATE = """
mutation Activate($item: ID!, $location: ID!, $available: Int, $key: String!) {
  inventoryActivate(inventoryItemId: $item, locationId: $location, available: $available) @idempotent(key: $key) {
    inventoryLevel { id quantities(names: ["available"]) { name quantity } }
    userErrors { field message }
  }
}
"""

CUSTOMERS = """
query Customers($first: Int!, $query: String, $after: String) {
  customers(first: $first, query: $query, after: $after, sortKey: UPDATED_AT) {
    nodes { id firstName lastName displayName email phone updatedAt tags
      defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber }
      defaultAddress { address1 city zip countryCodeV2 }
      addresses(first: 5) { id city } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CUSTOMER_CREATE = """
mutation CustomerCreate($input: CustomerInput!) {
  customerCreate(input: $input) {
    customer { id email phone firstName lastName displayName addresses { city countryCodeV2 country } }
    userErrors { field message }
  }
}
"""

CUSTOMER_UPDATE = """
mutation CustomerUpdate($input: CustomerInput!) {
  customerUpdate(input: $input) { customer { id email note updatedAt tags } userErrors { field message } }
}
"""

ORDERS_PAGE = """
query Orders($first: Int!, $after: String, $query: String, $sortKey: OrderSortKeys, $reverse: Boolean) {
  orders(first: $first, after: $after, query: $query, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { id name email createdAt updatedAt processedAt cancelledAt cancelReason closed
      displayFinancialStatus displayFulfillmentStatus currencyCode presentmentCurrencyCode test
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ORDERS_COUNT = """
query OrdersCount($query: String, $limit: Int) { ordersCount(query: $query, limit: $limit) { count precision } }
"""
ORDERS_COUNT_DEFAULT_LIMIT = (
    "query OrdersCountDefault($query: String) { ordersCount(query: $query) { count precision } }"
)

ORDER_DETAIL = """
query Order($id: ID!) {
  order(id: $id) {
    id name email phone closed closedAt cancelledAt cancelReason updatedAt note tags discountCodes
    displayFinancialStatus displayFulfillmentStatus presentmentCurrencyCode
    customer { id email }
    customAttributes { key value }
    billingAddress { address1 city countryCodeV2 } shippingAddress { address1 city countryCodeV2 }
    subtotalPriceSet { shopMoney { amount } }
    totalShippingPriceSet { shopMoney { amount } }
    totalTaxSet { shopMoney { amount } }
    totalDiscountsSet { shopMoney { amount } }
    totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
    totalRefundedSet { shopMoney { amount } }
    totalTipReceivedSet { shopMoney { amount } }
    totalOutstandingSet { shopMoney { amount } }
    taxLines { title rate priceSet { shopMoney { amount } } }
    discountApplications(first: 5) { nodes { allocationMethod targetType
      ... on DiscountCodeApplication { code }
      value { ... on MoneyV2 { amount } ... on PricingPercentageValue { percentage } } } }
    lineItems(first: 10) { nodes { id sku title quantity currentQuantity isGiftCard requiresShipping
      variant { id } customAttributes { key value }
      originalUnitPriceSet { shopMoney { amount } } discountedTotalSet { shopMoney { amount } }
      taxLines { title rate priceSet { shopMoney { amount } } } } }
    shippingLines(first: 5) { nodes { title code originalPriceSet { shopMoney { amount } }
      taxLines { title priceSet { shopMoney { amount } } } } }
    transactions(first: 10) { id kind status gateway amountSet { shopMoney { amount currencyCode } } }
    fulfillmentOrders(first: 5) { nodes { id status assignedLocation { location { id } }
      lineItems(first: 10) { nodes { id totalQuantity remainingQuantity lineItem { id sku } } } } }
    fulfillments(first: 5) { id status name trackingInfo { company number url }
      fulfillmentLineItems(first: 10) { nodes { quantity lineItem { id } } } }
    refunds(first: 3) { id note createdAt totalRefundedSet { shopMoney { amount } }
      refundLineItems(first: 5) { nodes { quantity restockType lineItem { id } } }
      transactions(first: 3) { nodes { id kind amountSet { shopMoney { amount } } } } }
  }
}
"""

ORDER_CREATE = """
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name email displayFinancialStatus displayFulfillmentStatus
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      lineItems(first: 10) { nodes { id sku quantity } }
      customer { id email } }
    userErrors { field message code }
  }
}
"""

_address_fragment = """
fragment address on MailingAddress {
  id name firstName lastName company phone address1 address2 city zip
  province provinceCode country countryCodeV2 formattedArea formatted(withName: true)
}
"""

ORDER_ADDRESSES = (
    """
query OrderAddresses($id: ID!) {
  order(id: $id) {
    id email
    shippingAddress { ...address }
    billingAddress { ...address }
    customer { id firstName lastName defaultAddress { ...address } addresses(first: 10) { ...address } }
  }
}
"""
    + _address_fragment
)

_bag_fragment = """
fragment bag on MoneyBag { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
"""

ORDER_SUMS = (
    """
query OrderSums($id: ID!) {
  order(id: $id) {
    id taxesIncluded edited updatedAt displayFinancialStatus merchantEditable merchantEditableErrors
    subtotalPrice totalTax totalDiscounts totalShippingPrice totalPrice
    subtotalPriceSet { ...bag } totalTaxSet { ...bag } totalPriceSet { ...bag } originalTotalPriceSet { ...bag }
    currentSubtotalPriceSet { ...bag } currentTotalTaxSet { ...bag } currentTotalPriceSet { ...bag }
    totalDiscountsSet { ...bag } currentTotalDiscountsSet { ...bag } cartDiscountAmountSet { ...bag }
    totalShippingPriceSet { ...bag } currentShippingPriceSet { ...bag }
    totalOutstandingSet { ...bag } totalRefundedSet { ...bag }
    subtotalLineItemsQuantity currentSubtotalLineItemsQuantity
    taxLines { title rate priceSet { ...bag } }
    currentTaxLines { title rate priceSet { ...bag } }
    lineItems(first: 20) { nodes { id title sku quantity currentQuantity
      originalUnitPriceSet { ...bag } discountedTotalSet { ...bag } totalDiscountSet { ...bag }
      taxLines { title rate priceSet { ...bag } } } }
    shippingLines(first: 5) { nodes { title originalPriceSet { ...bag } discountedPriceSet { ...bag }
      taxLines { title rate priceSet { ...bag } } } }
  }
}
"""
    + _bag_fragment
)

_calculated_fragment = """
fragment calculated on CalculatedOrder {
  id committed originalOrder { id }
  lineItems(first: 20) { nodes { ...calculatedLine } }
  addedLineItems(first: 20) { nodes { ...calculatedLine } }
  subtotalPriceSet { shopMoney { amount } } totalPriceSet { shopMoney { amount } }
  totalOutstandingSet { shopMoney { amount } } subtotalLineItemsQuantity
  taxLines { title rate priceSet { shopMoney { amount } } }
}
fragment calculatedLine on CalculatedLineItem {
  id title sku quantity editableQuantity editableQuantityBeforeChanges restocking variant { id }
  originalUnitPriceSet { shopMoney { amount } } discountedUnitPriceSet { shopMoney { amount } }
}
"""

ORDER_EDIT_BEGIN = (
    """
mutation OrderEditBegin($id: ID!) {
  orderEditBegin(id: $id) {
    calculatedOrder { ...calculated }
    orderEditSession { id }
    userErrors { field message }
  }
}
"""
    + _calculated_fragment
)

ORDER_EDIT_ADD_VARIANT = (
    """
mutation OrderEditAddVariant($id: ID!, $variantId: ID!, $quantity: Int!, $locationId: ID, $allowDuplicates: Boolean) {
  orderEditAddVariant(
    id: $id, variantId: $variantId, quantity: $quantity, locationId: $locationId, allowDuplicates: $allowDuplicates
  ) {
    calculatedLineItem { ...calculatedLine }
    calculatedOrder { ...calculated }
    orderEditSession { id }
    userErrors { field message }
  }
}
"""
    + _calculated_fragment
)

ORDER_EDIT_SET_QUANTITY = (
    """
mutation OrderEditSetQuantity($id: ID!, $lineItemId: ID!, $quantity: Int!, $restock: Boolean) {
  orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity, restock: $restock) {
    calculatedLineItem { ...calculatedLine }
    calculatedOrder { ...calculated }
    userErrors { field message }
  }
}
"""
    + _calculated_fragment
)

ORDER_EDIT_COMMIT = """
mutation OrderEditCommit($id: ID!, $staffNote: String) {
  orderEditCommit(id: $id, notifyCustomer: false, staffNote: $staffNote) {
    order { id edited updatedAt currentTotalPriceSet { shopMoney { amount } }
      lineItems(first: 20) { nodes { id quantity currentQuantity variant { id } } } }
    successMessages
    userErrors { field message }
  }
}
"""

CALCULATED_ORDER = """
query CalculatedOrder($id: ID!) {
  node(id: $id) {
    id
    ... on CalculatedOrder {
      committed totalPriceSet { shopMoney { amount } }
      stagedChanges(first: 10) { nodes {
        __typename
        ... on OrderStagedChangeAddVariant { quantity variant { id } }
        ... on OrderStagedChangeIncrementItem { delta lineItem { id } }
        ... on OrderStagedChangeDecrementItem { delta restock lineItem { id } }
      } }
    }
  }
}
"""

ORDER_CANCEL = """
mutation OrderCancel($orderId: ID!, $restock: Boolean!, $refund: Boolean) {
  orderCancel(orderId: $orderId, reason: CUSTOMER, restock: $restock, refund: $refund, notifyCustomer: false) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}
"""

ORDER_CLOSE = """
mutation OrderClose($id: ID!) {
  orderClose(input: {id: $id}) { order { id closed closedAt } userErrors { field message } }
}
"""

ORDER_OPEN = """
mutation OrderOpen($id: ID!) {
  orderOpen(input: {id: $id}) { order { id closed } userErrors { field message } }
}
"""

ORDER_MARK_PAID = """
mutation MarkPaid($id: ID!) {
  orderMarkAsPaid(input: {id: $id}) { order { id displayFinancialStatus } userErrors { field message } }
}
"""

ORDER_UPDATE = """
mutation OrderUpdate($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id email note phone poNumber tags updatedAt customAttributes { key value }
      shippingAddress { firstName lastName address1 city provinceCode countryCodeV2 zip } }
    userErrors { field message }
  }
}
"""

REFUND_CREATE = """
mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount } } refundLineItems(first: 10) { nodes { quantity } } }
    order { id displayFinancialStatus }
    userErrors { field message }
  }
}
"""

REFUND_AMOUNTS = (
    """
mutation RefundAmounts($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { ...bag }
      refundLineItems(first: 10) { nodes { quantity lineItem { id }
        priceSet { ...bag } subtotalSet { ...bag } totalTaxSet { ...bag } } }
      refundShippingLines(first: 2) { nodes { subtotalAmountSet { ...bag } taxAmountSet { ...bag } } } }
    userErrors { field message }
  }
}
"""
    + _bag_fragment
)

FULFILLMENT_ORDERS = """
query FulfillmentOrders($query: String) {
  fulfillmentOrders(first: 50, query: $query) {
    nodes { id status order { id } assignedLocation { location { id } } }
  }
}
"""

FULFILLMENT_CREATE = """
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment, message: "Shipped from the ERP") {
    fulfillment { id status trackingInfo { company number url } fulfillmentLineItems(first: 50) { nodes { quantity } } }
    userErrors { field message }
  }
}
"""

TRACKING_UPDATE = """
mutation TrackingUpdate($id: ID!, $tracking: FulfillmentTrackingInput!) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $tracking, notifyCustomer: false) {
    fulfillment { id trackingInfo { company number url } }
    userErrors { field message }
  }
}
"""

PAYMENTS = """
query Payments($after: String) {
  shopifyPaymentsAccount {
    id activated defaultCurrency balance { amount currencyCode }
    payouts(first: 10, after: $after, sortKey: ISSUED_AT, reverse: true) {
      nodes { id status issuedAt transactionType net { amount currencyCode } gross { amount }
        summary { chargesGross { amount } chargesFee { amount } refundsFeeGross { amount } } }
      pageInfo { hasNextPage endCursor }
    }
    balanceTransactions(first: 50) {
      nodes { id type test transactionDate amount { amount } fee { amount } net { amount }
        associatedPayout { id status } associatedOrder { id name } sourceOrderTransactionId }
    }
    disputes(first: 10) { nodes { id status type initiatedAt amount { amount } order { id } reasonDetails { reason } } }
  }
}
"""

STAGED_UPLOADS = """
mutation Staged($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}
"""

PRODUCT_ADD_MEDIA = """
mutation AddMedia($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
  productUpdate(product: $product, media: $media) {
    product { id media(first: 10) { nodes { id status alt mediaContentType } } }
    userErrors { field message }
  }
}
"""

VARIANT_MEDIA = """
query VariantMedia($id: ID!) {
  product(id: $id) {
    id updatedAt
    featuredMedia { id }
    media(first: 10) { nodes { id } }
    variants(first: 10) {
      nodes { id title updatedAt
        media(first: 5) { nodes { id mediaContentType status ... on MediaImage { image { url } } } }
        image { id url altText } }
    }
  }
}
"""

VARIANT_BY_ID_MEDIA = """
query VariantById($id: ID!) {
  productVariant(id: $id) { id media(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage } } }
}
"""

VARIANTS_SET_MEDIA = """
mutation SetVariantMedia($productId: ID!, $variants: [ProductVariantsBulkInput!]!, $partial: Boolean) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants, allowPartialUpdates: $partial) {
    productVariants { id media(first: 1) { nodes { id } } }
    userErrors { field message code }
  }
}
"""

VARIANTS_CREATE_WITH_MEDIA = """
mutation CreateWithMedia($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkCreate(productId: $productId, variants: $variants) {
    productVariants { id title media(first: 1) { nodes { id } } }
    userErrors { field message code }
  }
}
"""

VARIANT_APPEND_MEDIA = """
mutation Append($productId: ID!, $variantMedia: [ProductVariantAppendMediaInput!]!) {
  productVariantAppendMedia(productId: $productId, variantMedia: $variantMedia) {
    product { id }
    productVariants { id media(first: 5) { nodes { id } } }
    userErrors { field message code }
  }
}
"""

VARIANT_DETACH_MEDIA = """
mutation Detach($productId: ID!, $variantMedia: [ProductVariantDetachMediaInput!]!) {
  productVariantDetachMedia(productId: $productId, variantMedia: $variantMedia) {
    product { id }
    productVariants { id media(first: 5) { nodes { id } } }
    userErrors { field message code }
  }
}
"""

FILE_DELETE = """
mutation FileDelete($fileIds: [ID!]!) {
  fileDelete(fileIds: $fileIds) { deletedFileIds userErrors { field message code } }
}
"""

BULK_RUN = """
mutation Bulk($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status type createdAt }
    userErrors { field message code }
  }
}
"""

BULK_RUN_GROUPED = """
mutation BulkGrouped($query: String!, $groupObjects: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""

BULK_STATUS = """
query BulkStatus($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl completedAt }
}
"""

BULK_CURRENT = "query Current { currentBulkOperation(type: QUERY) { id status url } }"

BULK_LIST = """
query BulkList($query: String) { bulkOperations(first: 10, query: $query) { nodes { id status type } } }
"""

BULK_CANCEL = """
mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { message } } }
"""

#: Bulk query bodies (sent as the ``query`` string of bulkOperationRunQuery; also valid documents).
BULK_PRODUCTS = """
{ products { edges { node { id title variants { edges { node { id sku price } } } } } } }
"""
BULK_ORDERS = """
{ orders(query: "financial_status:paid") { edges { node { id name
  lineItems { edges { node { id sku quantity } } } } } } }
"""
BULK_TOO_DEEP = """
{ products { edges { node { id variants { edges { node { id
  inventoryItem { inventoryLevels { edges { node { id location { inventoryLevels { edges { node { id } } } } } } } }
} } } } } } }
"""
BULK_NO_CONNECTION = "{ shop { id name } }"

#: The two bulk queries of sync-orders' backlog reader (the issue's Q1 and Q2), over one updated_at window;
#: ``windowed`` swaps the window. Shopify refuses Q1 as written: ``refunds`` is a list, and a connection
#: inside a list field is not allowed in a bulk query. Q1_ACCEPTED is Q1 without the two refund connections.
BULK_ORDERS_Q1 = """
{ orders(query: "updated_at:>='2026-01-01T00:00:00Z' updated_at:<'2026-02-01T00:00:00Z'", sortKey: UPDATED_AT) {
  edges { node {
  id name number createdAt updatedAt processedAt cancelledAt cancelReason closed closedAt confirmed test edited email
  phone note tags poNumber sourceName currencyCode presentmentCurrencyCode taxesIncluded taxExempt
  displayFinancialStatus displayFulfillmentStatus returnStatus fullyPaid unpaid refundable riskLevel discountCodes
  customAttributes { key value } customer { id email firstName lastName }
  billingAddress { firstName lastName name company address1 address2 city zip province provinceCode
    countryCodeV2 phone }
  shippingAddress { firstName lastName name company address1 address2 city zip province provinceCode
    countryCodeV2 phone }
  subtotalLineItemsQuantity currentSubtotalLineItemsQuantity
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  currentTotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  taxLines { title rate channelLiable
    priceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } }
  transactions { id kind status gateway test errorCode createdAt processedAt parentTransaction { id }
    amountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } }
  lineItems { edges { node { id name title sku quantity currentQuantity variant { id } product { id }
    originalUnitPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
    taxLines { title rate priceSet { shopMoney { amount currencyCode } } } } } }
  shippingLines { edges { node { id title code
    originalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } } } }
  refunds { id createdAt note
    totalRefundedSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
    refundLineItems { edges { node { id quantity restockType lineItem { id }
      subtotalSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } } } }
    refundShippingLines { edges { node {
      subtotalAmountSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } } } } }
} } } }
"""
BULK_ORDERS_Q1_ACCEPTED = (
    BULK_ORDERS_Q1[: BULK_ORDERS_Q1.index("    refundLineItems")]
    + "  }\n"
    + BULK_ORDERS_Q1[BULK_ORDERS_Q1.rindex("} } } }") :]
)
BULK_ORDERS_Q2 = """
{ orders(query: "updated_at:>='2026-01-01T00:00:00Z' updated_at:<'2026-02-01T00:00:00Z'", sortKey: UPDATED_AT) {
  edges { node { id fulfillmentOrders { edges { node { id status requestStatus updatedAt
    assignedLocation { location { id } }
    lineItems { edges { node { id sku totalQuantity remainingQuantity lineItem { id } } } } } } } } } }
}
"""


def windowed(query: str, search: str) -> str:
    """A bulk query of this module with its ``orders(query:)`` window replaced by ``search``."""
    start = query.index('orders(query: "') + len('orders(query: "')
    end = query.index('", sortKey', start)
    return query[:start] + search.replace('"', '\\"') + query[end:]


NODE = "query Node($id: ID!) { node(id: $id) { id ... on Product { title } ... on Order { name } } }"
NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on ProductVariant { sku } } }"

EXPENSIVE = """
query Expensive {
  products(first: 250) { nodes { id variants(first: 250) { nodes { id sku } } } }
}
"""
TOO_MANY = "query TooMany { products(first: 251) { nodes { id } } }"
NO_FIRST = "query NoFirst { products { nodes { id } } }"
UNKNOWN_FIELD = "query Bad { shop { id doesNotExist } }"
SYNTAX_ERROR = "query { shop { id "
CHEAP = "query Cheap { shop { id } }"
PRODUCTS_10 = "query Ten { products(first: 10) { nodes { id title } } }"
MIXED_SCOPES = """
query Mixed { shop { name } order(id: "gid://shopify/Order/1001") { id } products(first: 1) { nodes { id } } }
"""
DENIED_NON_NULL = "query DeniedNonNull { shop { name } orders(first: 1) { nodes { id } } }"

#: Bulk bodies are valid standalone query documents too; the validity test checks every string here.
ALL = {name: value for name, value in globals().items() if name.isupper() and isinstance(value, str)}
#: Documents meant to fail validation (checked to be invalid against the real schema instead).
INVALID = {"UNKNOWN_FIELD", "SYNTAX_ERROR"}
