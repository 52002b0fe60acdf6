import type { KeywordList } from './types.js';

// Sources: Purview Keyword_cc_name / Keyword_cc_verification (English entries), Macie
// CREDIT_CARD_NUMBER / _SECURITY_CODE / _EXPIRATION keywords, Presidio's English list, and
// ferret-scan's hard and soft negative lists (shared/reference/prior-art.md §2).
export const en: KeywordList = {
  card: [
    'card', 'cards', 'credit', 'credit card', 'credit cards', 'creditcard', 'debit', 'debit card', 'bank card',
    'check card', 'atm card', 'payment card', 'payment card number', 'card number', 'card numbers', 'card num',
    'card no', 'cardno', 'card #', 'cc', 'cc#', 'ccn', 'ccnum', 'cc number', 'cc num', 'pan', 'pcn', 'card holder',
    'cardholder', 'cardholders', 'cardmember', 'cardmember account', 'card member account', 'card account number',
    'card type', 'type of card', 'corporate card', 'cred card', 'credit no', 'credit num', 'debit no', 'debit num',
    'pmnt card', 'pmnt no', 'pmnt number', 'payment account number', 'primary account number', 'account number',
    'visa', 'mastercard', 'master card', 'mc', 'amex', 'american express', 'discover', 'discover card', 'jcb',
    'diners', 'diners club', "diner's club", 'dinersclub', 'maestro', 'unionpay', 'union pay', 'rupay', 'hipercard', 'uatp', 'dankort', 'electron', 'carte blanche', 'enroute', 'japanese card bureau',
    'instapayment', 'paid with', 'pay with', 'charged to', 'billing', 'checkout', 'payment', 'card data',
    'magstripe', 'mag stripe', 'track data', 'track 1', 'track 2', 'track1', 'track2', 'swipe', 'iso7813',
  ],
  securityCode: [
    'cvv', 'cvv2', 'cvc', 'cvc2', 'cid', 'csc', 'cvn', 'cvn2', 'cav2', 'cvd', 'cvp2', 'security code', 'security number',
    'security no', 'card security code', 'card verification', 'card verification value', 'card verification code',
    'card verification number', 'card verification data', 'card validation code', 'card validation number',
    'card identification number', 'card identification code', 'card id', 'verification code', 'elo verification code',
  ],
  expiry: [
    'exp', 'exp date', 'exp.', 'expiry', 'expiry date', 'expiration', 'expiration date', 'expires', 'expire',
    'expiring', 'exp d', 'exp m', 'exp y', 'expdate', 'valid thru', 'valid through', 'valid until', 'valid to',
    'good thru', 'good through', 'mm/yy', 'mm yy', 'end date', 'card expiry',
  ],
  negativeHard: [
    'timestamp', 'unix', 'epoch', 'phone', 'tel', 'telephone', 'fax', 'mobile', 'md5', 'sha', 'sha1',
    'sha256', 'sha512', 'hash', 'uuid', 'guid', 'crc', 'checksum', 'version', 'isbn', 'issn', 'ean',
    'upc', 'gtin', 'iban', 'swift', 'routing', 'aba', 'sort code', 'nhs number', 'ssn', 'social security',
    'latitude', 'longitude', 'coordinates', 
  ],
  negativeSoft: [
    'imei', 'imsi', 'iccid', 'meid', 'esn', 'sim', 'sin', 'account id', 'customer id', 'client id', 'user id', 'id',
    'identifier', 'serial', 'serial number', 's/n', 'sn', 'tracking', 'tracking number', 'reference', 'ref',
    'order', 'order number', 'order id', 'invoice', 'invoice number', 'waybill', 'parcel', 'shipment', 'booking',
    'barcode', 'asset', 'asset tag', 'sku', 'part number', 'receipt', 'session', 'token', 'loyalty',
    'rewards', 'membership', 'member id', 'policy', 'claim', 'ticket', 'patient id', 'mrn', 'request id', 'trace', 'nonce', 'txid', 'pid', 'port', 'sequence', 'seq',
  ],
};
