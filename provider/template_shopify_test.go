package provider

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// shopifyOrderFields are the properties of Shopify's REST Order resource
// (Admin API 2025-07, as @shopify/shopify-api's order resource lists
// them). A handler written against the resource may read any of them.
var shopifyOrderFields = strings.Fields(`app_id billing_address browser_ip buyer_accepts_marketing cancel_reason
	cancelled_at cart_token checkout_token client_details closed_at company confirmation_number confirmed created_at
	currency current_subtotal_price current_subtotal_price_set current_total_additional_fees_set current_total_discounts
	current_total_discounts_set current_total_duties_set current_total_price current_total_price_set current_total_tax
	current_total_tax_set customer customer_locale discount_applications discount_codes duties_included email
	estimated_taxes financial_status fulfillment_status fulfillments id landing_site line_items location_id
	merchant_business_entity_id merchant_of_record_app_id name note note_attributes number order_number order_status_url
	original_total_additional_fees_set original_total_duties_set payment_gateway_names payment_terms phone po_number
	presentment_currency processed_at referring_site refunds shipping_address shipping_lines source_identifier
	source_name source_url subtotal_price subtotal_price_set tags tax_lines taxes_included test token
	total_cash_rounding_payment_adjustment_set total_cash_rounding_refund_adjustment_set total_discounts
	total_discounts_set total_line_items_price total_line_items_price_set total_outstanding total_price total_price_set
	total_shipping_price_set total_tax total_tax_set total_tip_received total_weight updated_at user_id`)

func TestShopifyOrderTemplateHasEveryOrderField(t *testing.T) {
	tmpl, ok := FindTemplate(Templates(), "shopify.orders/create")
	if !ok {
		t.Fatal("no shopify.orders/create template")
	}
	_, _, body := Render(tmpl, time.Now())
	var order map[string]json.RawMessage
	if err := json.Unmarshal(body, &order); err != nil {
		t.Fatal(err)
	}
	for _, f := range shopifyOrderFields {
		if _, ok := order[f]; !ok {
			t.Errorf("the order lacks %q", f)
		}
	}
}
