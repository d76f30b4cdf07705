/* global Page, wx -- the mini program runtime's globals */
Page({
  async order() {
    const { result } = await wx.cloud.callFunction({ name: 'addOrder', data: { item: 'tea', quantity: 2 } });
    this.setData({ orderId: result.orderId });
  },
});
