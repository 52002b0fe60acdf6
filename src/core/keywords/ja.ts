import type { KeywordList } from './types.js';

// Sources: Purview Keyword_cc_name / Keyword_cc_verification (Japanese and Chinese entries).
// Matched as substrings: these scripts do not put spaces between words.
export const ja: KeywordList = {
  card: [
    'クレジットカード番号', 'クレジットカードナンバー', 'クレジットカード', 'クレジット', 'クレカ', 'カード番号',
    'カードナンバー', 'カード＃', 'アメックス', 'アメリカンエクスプレス', 'アメリカン エクスプレス', 'visaカード',
    'マスターカード', 'マスター カード', 'ダイナースクラブ', 'ダイナース', 'キャッシュカード', 'カード名義人',
    'カードの名義人', 'カードの名義', 'デビットカード', 'デビット カード', '中国银联', '银联', '信用卡', '卡号', '银行卡',
  ],
  securityCode: ['セキュリティコード', 'セキュリティ コード', 'セキュリティナンバー', 'セキュリティ番号', '安全码'],
  expiry: ['有効期限', '期限', '有效期'],
  negativeHard: ['電話番号', '電話', '携帯', 'タイムスタンプ', '电话', '手机'],
  negativeSoft: ['注文番号', '注文', '請求書', '伝票番号', '追跡番号', 'シリアル番号', '订单', '发票', '快递单号'],
};
