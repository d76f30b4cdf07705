/* global Component, wx -- the mini program runtime's globals */
// "My orders", read by the page itself with wx.cloud.database() — no function in between. What it
// may see is decided by the permissions in wxhub.dev.json (WeChat's console settings):
// - orders: a security rule, read "doc._openid == auth.openid", write false: a user reads only
//   their own orders, and only addOrder (a function, admin rights) writes them, at its prices.
//   Under a rule the query must itself ask for `_openid == {openid}` (WeChat refuses a query that
//   is not a subset of the rule, whole), hence the where() below.
// - reviews: READONLY (all users read, the creator writes): everyone's reviews are listed, a
//   review added here is stamped with the user's openid by the platform.
// A page's get() returns at most 20 records; "更多订单" fetches the next 20.
const PAGE_SIZE = 20;

function errorText(error) {
  return error && typeof error.errMsg === 'string' ? error.errMsg : String(error);
}

// A page built with Component(): WeChat supports it for pages, and miniprogram-simulate tests it.
Component({
  data: { orders: [], loaded: false, more: false, reviews: [], draft: '', error: '' },
  lifetimes: {
    attached() {
      void this.loadOrders();
      void this.loadReviews();
    },
  },
  methods: {
    async loadOrders() {
      const db = wx.cloud.database();
      try {
        const { data } = await db.collection('orders').where({ _openid: '{openid}' }).orderBy('createdAt', 'desc').skip(this.data.orders.length).get();
        this.setData({ orders: this.data.orders.concat(data), loaded: true, more: data.length === PAGE_SIZE });
      } catch (error) {
        this.setData({ loaded: true, more: false, error: errorText(error) });
      }
    },

    loadMore() {
      return this.loadOrders();
    },

    async loadReviews() {
      try {
        const { data } = await wx.cloud.database().collection('reviews').orderBy('createdAt', 'desc').get();
        this.setData({ reviews: data });
      } catch (error) {
        this.setData({ error: errorText(error) });
      }
    },

    onDraft(event) {
      this.setData({ draft: event.detail.value });
    },

    async sendReview() {
      const text = this.data.draft.trim();
      if (text === '') return;
      const db = wx.cloud.database();
      try {
        // No _openid here: the platform stamps the user's own.
        await db.collection('reviews').add({ data: { text, createdAt: db.serverDate() } });
        this.setData({ draft: '' });
        await this.loadReviews();
      } catch (error) {
        this.setData({ error: errorText(error) });
      }
    },
  },
});
