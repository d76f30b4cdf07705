const cloud = require('wx-server-sdk');
const { priceOf } = require('utils/price');

// A hard-coded environment id, as many projects have.
cloud.init({ env: 'prod-1a2b' });
const db = cloud.database();

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext();
  const total = priceOf(event.item, event.quantity);
  console.log('order from', OPENID, event.item, 'x', event.quantity, '=', total);
  const { _id } = await db.collection('orders').add({
    data: { _openid: OPENID, item: event.item, quantity: event.quantity, total, shop: process.env.SHOP_NAME, createdAt: db.serverDate() },
  });
  // Function to function: the notification goes through another function, as the caller.
  const { result } = await cloud.callFunction({ name: 'notify', data: { orderId: _id, openid: OPENID } });
  return { orderId: _id, total, notified: result.sent };
};
